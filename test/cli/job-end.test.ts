import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../support/test-farm'
import { cli, startServe } from './served-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function servedFarm(): Promise<string> {
  const dir = tempDir('task-farm-job-end-')
  cleanups.push(() => dir.remove())
  const db = join(dir.path, 'history.sqlite')
  const served = await startServe(db, dir.path)
  cleanups.push(() => served.stop('SIGKILL'))
  return db
}

/** Three 5 s commands one at a time under a 2 s deadline: the job ends timed-out long before they would. */
const pastItsDeadline = ['run', '--deadline', '2', '--jobs', '1', '--', 'sleep', '{}', ':::', '5', '5', '5']

describe('a client of a served farm sees every end', () => {
  it('run attached to the served farm exits 1 once the job is timed-out', async () => {
    const db = await servedFarm()
    // The hang guard only bounds a hang: the job is timed-out after 2 s, the CLI must see it.
    const run = await cli(db, pastItsDeadline, 40_000)
    expect(run.code, run.err).toBe(1)
    expect(run.out + run.err).toMatch(/timed.out/i)
  }, 90_000)

  it('wait exits 1 once the job is timed-out, not 124', async () => {
    const db = await servedFarm()
    const detached = await cli(db, [...pastItsDeadline.slice(0, 1), '--detach', ...pastItsDeadline.slice(1)])
    expect(detached.code, detached.err).toBe(0)
    const waited = await cli(db, ['wait', detached.out.trim(), '--timeout', '30'], 60_000)
    expect(waited.code, waited.out + waited.err).toBe(1)
  }, 90_000)

  it('pause after the only unit went out, then resume: the job completes (the chaos finding, as shrunk)', async () => {
    const db = await servedFarm()
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    const run = await cli(db, ['run', '--detach', '--', 'sh', '-c', 'sleep 3', 'sh', '{}', ':::', 'x'])
    expect(run.code, run.err).toBe(0)
    await pause(1000)
    expect((await cli(db, ['pause', '1'])).code).toBe(0)
    await pause(4000)
    expect((await cli(db, ['resume', '1', '--detach'])).code).toBe(0)
    const waited = await cli(db, ['wait', '1', '--timeout', '20'], 60_000)
    expect(waited.code, waited.out + waited.err).toBe(0)
  }, 90_000)
})
