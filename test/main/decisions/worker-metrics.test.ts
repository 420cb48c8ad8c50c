import { describe, expect, it, vi } from 'vitest'
import type { PoolInfo, WorkerInfo } from '../../../src/shared/api-types'
import {
  ProcessMetricsSampler,
  withProcessMetrics,
  type ProcessSample,
} from '../../../src/main/decisions/worker-metrics'
import { fakeSchedule } from '../../support/fake-schedule'

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

describe('withProcessMetrics', () => {
  it('fills CPU and memory of workers Electron reports, by pid', () => {
    const samples = [
      { pid: 100, cpu: { percentCPUUsage: 42.345 }, memory: { workingSetSize: 2048 } },
      { pid: 999, cpu: { percentCPUUsage: 1 }, memory: { workingSetSize: 1 } },
    ]
    const workers = withProcessMetrics(pool, new Map(samples.map((s) => [s.pid, s]))).workers
    expect(workers.map((w) => [w.cpuPercent, w.memoryBytes])).toEqual([
      [42.3, 2048 * 1024],
      [null, 1000],
      [null, 1000],
    ])
  })
})

describe('ProcessMetricsSampler', () => {
  const sample = (pid: number, cpu: number): ProcessSample => ({
    pid,
    cpu: { percentCPUUsage: cpu },
    memory: { workingSetSize: 1 },
  })

  it('reads the metrics once per tick, however many times the figures are asked for', () => {
    const clock = fakeSchedule()
    let cpu = 0
    const read = vi.fn(() => [sample(100, (cpu += 10))])
    const sampled = vi.fn()
    const sampler = new ProcessMetricsSampler({ read, schedule: clock.schedule, everyMs: 2000, sampled })
    sampler.start()
    expect(read).toHaveBeenCalledTimes(1)
    for (let i = 0; i < 3; i++) expect(sampler.fill(pool).workers[0]!.cpuPercent).toBe(10)
    expect(read).toHaveBeenCalledTimes(1)

    clock.advance(2000)
    expect(read).toHaveBeenCalledTimes(2)
    expect(sampled).toHaveBeenCalledTimes(1)
    expect(sampler.fill(pool).workers[0]!.cpuPercent).toBe(20)
    expect(sampler.fill(pool).workers[0]!.cpuPercent).toBe(20)

    sampler.stop()
    expect(clock.pending()).toBe(0)
  })
})
