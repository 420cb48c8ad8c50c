import { describe, expect, it } from 'vitest'
import type { PoolInfo, WorkerInfo } from '../../../src/shared/api-types'
import { withProcessMetrics } from '../../../src/main/decisions/worker-metrics'

const worker = (id: number, pid: number | null): WorkerInfo => ({
  id,
  pid,
  state: 'busy',
  jobId: 1,
  current: null,
  tasksDone: 0,
  restarts: 0,
  cpuPercent: null,
  memoryBytes: 1000,
})

describe('withProcessMetrics', () => {
  it('fills CPU and memory of workers Electron reports, by pid', () => {
    const pool: PoolInfo = {
      name: 'disk',
      size: 3,
      paused: false,
      closed: false,
      maxRunningJobs: 1,
      maxTasksPerWorker: 0,
      tasksPerWorker: 1,
      runningJobs: 1,
      queuedJobs: 0,
      workers: [worker(1, 100), worker(2, 200), worker(3, null)],
    }
    const samples = [
      { pid: 100, cpu: { percentCPUUsage: 42.345 }, memory: { workingSetSize: 2048 } },
      { pid: 999, cpu: { percentCPUUsage: 1 }, memory: { workingSetSize: 1 } },
    ]
    const workers = withProcessMetrics(pool, samples).workers
    expect(workers.map((w) => [w.cpuPercent, w.memoryBytes])).toEqual([
      [42.3, 2048 * 1024],
      [null, 1000],
      [null, 1000],
    ])
  })
})
