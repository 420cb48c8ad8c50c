import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { JobStore } from '../../src/core/store/job-store'
import { openDatabase } from '../../src/core/store/open-database'
import { tempDir, until } from '../support/test-farm'
import { cli, startCli } from './served-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

function newDb(): string {
  const dir = tempDir('task-farm-control-')
  dirs.push(dir)
  return join(dir.path, 'history.sqlite')
}

function row(db: string, id: number) {
  const store = new JobStore(openDatabase(db, { readonly: true }))
  try {
    return store.job(id)
  } finally {
    store.db.close()
  }
}

describe('control commands with no farm running: straight on the history', () => {
  it('priority, wait, remove and pools act on the history; pausing a pool without workers is refused', async () => {
    const db = newDb()
    expect((await cli(db, ['probe', '--count', '5'])).code).toBe(0)
    const priority = await cli(db, ['priority', '1', '7', '--json'])
    expect([priority.code, JSON.parse(priority.out)]).toEqual([0, { jobId: 1, priority: 7 }])
    expect(row(db, 1)?.priority).toBe(7)
    const waited = await cli(db, ['wait', '1'])
    expect([waited.code, waited.out]).toEqual([0, expect.stringMatching(/Completed job 1/)])
    const pools = JSON.parse((await cli(db, ['pools', '--json'])).out)
    expect(pools.running).toBe(false)
    expect(pools.pools.map((p: { name: string }) => p.name)).toEqual(['disk', 'network', 'cpu'])
    expect((await cli(db, ['pools', 'resize', 'cpu', '3'])).code).toBe(0)
    expect(
      JSON.parse((await cli(db, ['pools', '--json'])).out).pools.find((p: { name: string }) => p.name === 'cpu').size,
    ).toBe(3)
    const refused = await cli(db, ['pools', 'pause', 'cpu'])
    expect([refused.code, refused.err]).toEqual([
      2,
      expect.stringMatching(/^task-farm: No farm is running on .* no workers to pause\.\n$/),
    ])
    const badPool = await cli(db, ['pools', 'resize', 'gpu', '3'])
    expect(badPool.code).toBe(2)
    expect((await cli(db, ['remove', '1'])).code).toBe(0)
    expect(row(db, 1)).toBeUndefined()
    const missing = await cli(db, ['cancel', '1'])
    expect([missing.code, missing.err]).toEqual([2, 'task-farm: There is no job 1.\n'])
    for (const command of ['wait', 'cancel', 'pause', 'remove', 'priority', 'pools']) {
      const help = await cli(db, [command, '--help'])
      expect([help.code, help.out], command).toEqual([0, expect.stringMatching(/Usage: task-farm/)])
    }
  }, 90_000)
})

describe('cancel with no farm running', () => {
  it('cancels an interrupted job for good: its clean-up runs in the command’s own farm', async () => {
    const db = newDb()
    const run = startCli(db, ['probe', '--count', '3', '--sleep-ms', '20000'])
    await until(() => existsSync(`${db}.control`), 'the command to listen')
    await until(() => row(db, 1)?.state === 'running', 'the job to run')
    run.kill('SIGINT') // Ctrl-C: the job is interrupted, and no farm runs any more
    expect((await run.result).code).not.toBe(0)
    expect(row(db, 1)?.state).toBe('interrupted')
    const cancel = await cli(db, ['cancel', '1'])
    expect([cancel.code, cancel.out], cancel.err).toEqual([0, 'Cancelled job 1.\n'])
    expect(row(db, 1)).toMatchObject({ state: 'cancelled', cancel_asked_at: null })
  }, 90_000)
})

describe('a CLI run is the owner while it runs', () => {
  it("runs a second command's job in its own farm, and waits for it before it stops", async () => {
    const db = newDb()
    const first = startCli(db, ['probe', '--count', '4000', '--sleep-ms', '5'])
    await until(() => existsSync(`${db}.control`), 'the first command to listen')
    // Job 1 is paused, so the first command's farm goes on only because it owns the history.
    const pause = await cli(db, ['pause', '1'])
    expect(pause.code, pause.err).toBe(0)
    expect(row(db, 1)?.state).toBe('paused')
    const second = await cli(db, ['probe', '--count', '50', '--sleep-ms', '5'])
    expect([second.code, second.out]).toEqual([0, expect.stringMatching(/Completed job 2: 50 of 50/)])
    expect((await cli(db, ['resume', '1', '--detach'])).code).toBe(0)
    const result = await first.result
    expect(result.code, result.err).toBe(0)
    expect(row(db, 1)?.state).toBe('completed')
    expect(existsSync(`${db}.lock`)).toBe(false)
  }, 90_000)
})
