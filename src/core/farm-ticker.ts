import type { PoolInfo } from '../shared/api-types'
import type { LogLevel } from '../shared/job-state'
import type { FarmEvents } from './farm-events'
import type { FarmPools } from './farm-pools'
import type { HistoryWriter } from './history-writer'
import type { JobScheduler } from './job-scheduler'
import { jobSummary } from './job-views'
import type { JobStopRules } from './job-stop-rules'
import type { JobRow, JobStore } from './store/job-store'
import type { MemoryGuard } from './memory-guard'

export interface TickerDeps {
  scheduler: JobScheduler
  stopRules: JobStopRules
  writer: HistoryWriter
  store: JobStore
  events: FarmEvents
  pools: FarmPools
  poolInfo(): PoolInfo[]
  log(jobId: number | null, level: LogLevel, source: string, message: string): void
  /** Jobs whose stored row changed since the last tick: the farm's and the lifecycle's notes. */
  dirtyJobs: Set<number>
  /** Active jobs whose counters alone changed (they live in the run): their summary needs no row read. */
  countedJobs: Set<number>
  /** Holds and frees jobs by their `--memfree`; its reading sizes autoscaled pools too. */
  memory: MemoryGuard
  /** The farm-wide `--memfree` (bytes; 0: none). */
  memfreeBytes(): number
}

/** How often memory is checked and autoscaled pools are sized. */
const ADAPT_EVERY_MS = 500

/**
 * The farm's clock, every `tickMs`: asks each running job's stop rule (deadline, `--halt`), samples
 * rates, flushes the history when due, and publishes what changed (at most one event per job or pool).
 */
export class FarmTicker {
  private readonly timer: NodeJS.Timeout
  /** The stored rows of active jobs, read again only when the row changed (not for their counters). */
  private readonly rows = new Map<number, JobRow>()
  private adaptedAt = 0

  constructor(
    private readonly d: TickerDeps,
    everyMs: number,
  ) {
    this.timer = setInterval(() => this.tick(), everyMs)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  tick(): void {
    const now = Date.now()
    for (const run of this.d.scheduler.runs.values()) {
      this.d.stopRules.stopIfDue(run, now)
      if (run.state === 'running') {
        run.meter.sample(now, run.itemsDone + run.itemsFailed, run.bytesDone)
        this.d.countedJobs.add(run.id)
      }
    }
    if (now - this.adaptedAt >= ADAPT_EVERY_MS) {
      this.adaptedAt = now
      this.d.memory.sample(now)
      this.d.pools.adapt(now, () => this.d.memory.machine(now), this.d.memfreeBytes())
    }
    this.d.writer.maybeFlush(now)
    this.publishJobs()
    const pools = this.d.pools
    if (pools.dirty.size) {
      pools.stopClosed()
      const infos = this.d.poolInfo()
      for (const name of pools.dirty)
        this.d.events.emit(
          'pool.updated',
          infos.find((p) => p.name === name)!,
        )
      pools.dirty.clear()
    }
  }

  /** One `job.updated` per changed job: an active one's figures come from its run, its row from memory. */
  private publishJobs(): void {
    const { dirtyJobs, countedJobs, scheduler, store } = this.d
    for (const id of dirtyJobs) countedJobs.add(id)
    for (const id of countedJobs) {
      const run = scheduler.runs.get(id)
      let row = dirtyJobs.has(id) || !run ? undefined : this.rows.get(id)
      if (!row) {
        row = store.job(id)
        if (!row) continue
        if (run) this.rows.set(id, row)
      }
      this.d.events.emit('job.updated', jobSummary(row, run))
    }
    for (const id of this.rows.keys()) if (!scheduler.runs.has(id)) this.rows.delete(id)
    dirtyJobs.clear()
    countedJobs.clear()
  }
}
