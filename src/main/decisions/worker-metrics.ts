import type { PoolInfo } from '../../shared/api-types'
import type { Schedule } from '../../core/schedule'

/** The parts of Electron's `ProcessMetric` the Pools view shows. */
export interface ProcessSample {
  pid: number
  cpu: { percentCPUUsage: number }
  /** Kilobytes, as Electron reports them. */
  memory: { workingSetSize: number }
}

/** Fills each worker's CPU and memory from the latest samples, matched by pid. */
export function withProcessMetrics(pool: PoolInfo, byPid: ReadonlyMap<number, ProcessSample>): PoolInfo {
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

/**
 * `app.getAppMetrics()` read on a steady timer, once per tick, and kept by pid. Its CPU figure is
 * "since the last call", so reading it on demand (once per event, several times back to back)
 * would show ~0 and jumps; every reader gets the last tick's figures instead.
 */
export class ProcessMetricsSampler {
  private byPid = new Map<number, ProcessSample>()
  private cancel: (() => void) | null = null

  constructor(
    private readonly options: {
      read: () => readonly ProcessSample[]
      schedule: Schedule
      everyMs: number
      /** After each tick, e.g. to push the new figures to the window. */
      sampled: () => void
    },
  ) {}

  /** Reads now (the baseline the first CPU figure is measured from) and then every `everyMs`. */
  start(): void {
    if (this.cancel) return
    this.tick(false)
  }

  stop(): void {
    this.cancel?.()
    this.cancel = null
  }

  fill(pool: PoolInfo): PoolInfo {
    return withProcessMetrics(pool, this.byPid)
  }

  private tick(announce: boolean): void {
    this.byPid = new Map(this.options.read().map((sample) => [sample.pid, sample]))
    this.cancel = this.options.schedule(this.options.everyMs, () => this.tick(true))
    if (announce) this.options.sampled()
  }
}
