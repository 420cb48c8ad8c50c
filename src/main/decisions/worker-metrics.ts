import type { PoolInfo } from '../../shared/api-types'

/** The parts of Electron's `ProcessMetric` the Pools view shows. */
export interface ProcessSample {
  pid: number
  cpu: { percentCPUUsage: number }
  /** Kilobytes, as Electron reports them. */
  memory: { workingSetSize: number }
}

/** Fills each worker's CPU and memory from `app.getAppMetrics()`, matched by pid. */
export function withProcessMetrics(pool: PoolInfo, samples: readonly ProcessSample[]): PoolInfo {
  const byPid = new Map(samples.map((s) => [s.pid, s]))
  return {
    ...pool,
    workers: pool.workers.map((worker) => {
      const sample = worker.pid === null ? undefined : byPid.get(worker.pid)
      if (!sample) return worker
      return {
        ...worker,
        cpuPercent: Math.round(sample.cpu.percentCPUUsage * 10) / 10,
        memoryBytes: sample.memory.workingSetSize * 1024,
      }
    }),
  }
}
