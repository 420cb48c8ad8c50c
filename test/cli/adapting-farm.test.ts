import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { PoolInfo } from '../../src/shared/api-types'
import { tempDir } from '../support/test-farm'
import { cli, startServe } from './served-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const GiB = 1024 ** 3

/** A served farm whose machine reading comes from a file the test rewrites ($TASK_FARM_MACHINE_READING). */
async function servedOnFakeMachine(): Promise<{ db: string; setMachine(free: number, idleCores?: number): void }> {
  const dir = tempDir('task-farm-adapting-')
  cleanups.push(() => dir.remove())
  const db = join(dir.path, 'history.sqlite')
  const reading = join(dir.path, 'machine.json')
  const setMachine = (freeMemoryBytes: number, idleCores = 2): void =>
    writeFileSync(reading, JSON.stringify({ freeMemoryBytes, idleCores }))
  setMachine(16 * GiB)
  const served = await startServe(db, dir.path, { env: { ...process.env, TASK_FARM_MACHINE_READING: reading } })
  cleanups.push(() => served.stop('SIGKILL'))
  return { db, setMachine }
}

async function cpuPool(db: string): Promise<PoolInfo> {
  const listed = await cli(db, ['pools', '--json'])
  return (JSON.parse(listed.out) as { pools: PoolInfo[] }).pools.find((p) => p.name === 'cpu')!
}

describe('a farm that adapts, from the command line', () => {
  it('pools autoscale: 200 slow units grow the pool from 1 to its maximum and back; pools --json says why', async () => {
    const { db } = await servedOnFakeMachine()
    expect((await cli(db, ['pools', 'resize', 'cpu', '1'])).code).toBe(0)
    const set = await cli(db, ['pools', 'autoscale', 'cpu', '1', '3', '--idle', '2'])
    expect(set.out).toBe('The cpu pool now follows the queue: 1 to 3 workers, shrinking after 2 s idle.\n')
    const id = (await cli(db, ['probe', '--count', '200', '--sleep-ms', '60', '--detach'])).out.trim()
    const seen: PoolInfo[] = []
    const deadline = Date.now() + 90_000
    for (;;) {
      const pool = await cpuPool(db)
      seen.push(pool)
      if (seen.some((p) => p.size === 3) && pool.size === 1 && /^shrank: idle/.test(pool.sizeReason!)) break
      if (Date.now() > deadline)
        throw new Error(`the pool never went up and down: ${JSON.stringify(seen.map((p) => [p.size, p.sizeReason]))}`)
    }
    expect(Math.max(...seen.map((p) => p.size))).toBe(3)
    expect(Math.max(...seen.map((p) => p.workers.filter((w) => w.state !== 'stopping').length))).toBeLessThanOrEqual(3)
    const reasons = seen.map((p) => p.sizeReason)
    expect(reasons).toContainEqual(expect.stringMatching(/^(grew|at maximum): \d+ units? waiting$/))
    expect(seen.at(-1)!.autoscale).toEqual({ min: 1, max: 3, idleSeconds: 2 })
    const waited = await cli(db, ['wait', id, '--timeout', '60'], 90_000)
    expect(waited.out).toMatch(/Completed job \d+: 200 of 200/)
    const table = await cli(db, ['pools'])
    expect(table.out).toMatch(/cpu\s+1 \(1–3\)/)
    expect((await cli(db, ['pools', 'autoscale', 'cpu', 'off'])).out).toMatch(/autoscale is off/)
    expect((await cpuPool(db)).autoscale).toBeNull()
  }, 180_000)

  it('pools recycle and bad bounds: the setting is shown; a mistake is one sentence', async () => {
    const { db } = await servedOnFakeMachine()
    expect((await cli(db, ['pools', 'recycle', 'cpu', '5'])).out).toBe(
      "The cpu pool's workers are replaced after 5 tasks each.\n",
    )
    expect((await cpuPool(db)).maxTasksPerWorker).toBe(5)
    const bad = await cli(db, ['pools', 'autoscale', 'cpu', '4', '2'])
    expect([bad.code, bad.err.trim()]).toEqual([2, 'task-farm: The minimum (4) is above the maximum (2).'])
  }, 120_000)

  it('--memfree: no unit starts below it (show says why); the job finishes once memory returns', async () => {
    const { db, setMachine } = await servedOnFakeMachine()
    setMachine(1 * GiB)
    const id = (await cli(db, ['probe', '--count', '30', '--memfree', '2G', '--detach'])).out.trim()
    let show = ''
    for (let i = 0; i < 60 && !show.includes('memory free'); i++) show = (await cli(db, ['show', id])).out
    expect(show).toContain(
      'waiting: 1.00 GiB of memory free, below --memfree 2.00 GiB; units start when memory returns',
    )
    expect(show).toContain('Items:    0 done, 0 failed')
    expect(show).toContain('Memfree:  2.00 GiB (no unit starts below it)')
    setMachine(8 * GiB)
    const waited = await cli(db, ['wait', id, '--timeout', '60'], 90_000)
    expect([waited.code, waited.out]).toEqual([0, expect.stringMatching(/Completed job \d+: 30 of 30/)])
    const bad = await cli(db, ['probe', '--count', '3', '--memfree', 'lots'])
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('--memfree must be a size such as 512M')])
  }, 180_000)
})
