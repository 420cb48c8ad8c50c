import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { childProcessLauncher } from '../../src/core/child-process-worker'
import { WorkerPool, type PoolHooks } from '../../src/core/worker-pool'
import { isProcessGone } from '../support/process-state'
import { workerEntry } from '../support/test-farm'

const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
})

describe('a pool stopping', () => {
  it('does not wait for a worker still loading its code: it is stopped at once, and that is no failure', async () => {
    process.env.TASK_FARM_REAL_WORKER = workerEntry
    process.env.TASK_FARM_SLOW_START_MS = '60000'
    const logs: string[] = []
    const ready: number[] = []
    const hooks: PoolHooks = {
      onIdle: (pool) => ready.push(pool.workerInfo().length),
      onMessage: () => {},
      onTaskLost: () => {},
      onOutput: () => {},
      onBroken: (_pool, reason) => logs.push(`broken: ${reason}`),
      log: (_pool, level, message) => logs.push(`${level}: ${message}`),
      onChange: () => {},
    }
    const config = { size: 1, maxRunningJobs: 1, maxTasksPerWorker: 0, maxWorkerMemoryBytes: 0, tasksPerWorker: 1 }
    const launcher = childProcessLauncher(resolve('test/fixtures/slow-start-worker.mjs'))
    const pool = new WorkerPool('cpu', { ...config, stopGraceMs: 60_000 }, launcher, hooks, () => 1)
    pool.fill()
    const pid = pool.workerInfo()[0]!.pid!
    expect(pid).toBeGreaterThan(0)
    // The old code waited for it to be ready: 15 s later its start timed out, killed and logged as a failure.
    let guard: NodeJS.Timeout | undefined
    const hang = new Promise<string>((done) => (guard = setTimeout(() => done('still waiting'), 30_000)))
    const stopped = await Promise.race([pool.shutdown().then(() => 'stopped'), hang])
    clearTimeout(guard)
    expect(stopped).toBe('stopped')
    expect(isProcessGone(pid)).toBe(true)
    expect(ready).toEqual([])
    expect(logs).toEqual([])
  }, 60_000)
})
