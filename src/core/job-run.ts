import type { JobSummary } from '../shared/api-types'
import type { JobSpec, KindTraits, PoolName } from '../shared/job-spec'
import { kindTraits } from '../shared/job-spec'
import type { JobState } from '../shared/job-state'
import type { WorkItem } from '../shared/worker-protocol'
import { ProgressMeter } from './progress-meter'
import type { JobRow, JobStore } from './store/job-store'

/** Items read from SQLite at a time: a job of a million items never sits in memory whole. */
const PAGE_SIZE = 2000

export interface Task {
  id: number
  job: JobRun
  type: 'plan' | 'run' | 'cleanup'
  /** Items sent and not yet reported on, by id. */
  open: Map<number, WorkItem>
  partialBytes: number
  current: string[]
}

/** What the farm must do next for a job that has no work in flight. */
export type Special = 'plan' | 'cleanup-cancel' | 'cleanup-resume' | null

/** A job the farm is running or holding (running, paused, being cancelled): its queue, tasks and progress. */
export class JobRun {
  readonly traits: KindTraits
  readonly pool: PoolName
  state: JobState
  planned: boolean
  /** Set while a cancel or a stop is under way: no new work goes out. */
  stopping: 'cancel' | 'interrupt' | null = null
  special: Special = null
  readonly tasks = new Map<number, Task>()
  readonly meter = new ProgressMeter()
  itemsTotal: number
  itemsDone: number
  itemsFailed: number
  bytesTotal: number
  bytesDone: number
  planFailures = 0
  /** Items that failed or whose worker died, to try again; crashed ones go out alone. */
  readonly retryQueue: { item: WorkItem; alone: boolean }[] = []
  /** Crashes per item id, for failing a poison item alone after a bounded number. */
  readonly crashes = new Map<number, number>()
  private page: WorkItem[] = []
  private cursor = 0
  private exhausted = false

  constructor(
    readonly id: number,
    readonly spec: JobSpec,
    row: JobRow,
    private readonly store: JobStore,
  ) {
    this.traits = kindTraits[spec.kind]
    this.pool = this.traits.pool
    this.state = row.state
    this.planned = row.planned === 1
    this.itemsTotal = row.items_total
    this.itemsDone = row.items_done
    this.itemsFailed = row.items_failed
    this.bytesTotal = row.bytes_total
    this.bytesDone = row.bytes_done
    if (!this.planned) this.special = 'plan'
  }

  get inFlightItems(): number {
    let n = 0
    for (const task of this.tasks.values()) n += task.open.size
    return n
  }

  /** Whether this job can hand a worker something now. */
  hasWork(): boolean {
    if (this.state !== 'running' || this.stopping) return this.stopping === 'cancel' && this.special === 'cleanup-cancel' && this.tasks.size === 0
    if (this.special) return this.special !== 'plan' || this.tasks.size === 0
    if (!this.planned) return false
    return this.retryQueue.length > 0 || this.peek() !== undefined
  }

  /** The next batch: crashed items alone, else up to the kind's item and byte bounds, shared fairly. */
  takeBatch(poolSize: number): WorkItem[] {
    const retry = this.retryQueue.shift()
    if (retry?.alone) return [retry.item]
    const batch: WorkItem[] = retry ? [retry.item] : []
    const left = this.itemsTotal - this.itemsDone - this.itemsFailed - this.inFlightItems
    const limit = Math.min(this.traits.batchItems, Math.max(1, Math.ceil(left / (poolSize * 2))))
    let bytes = retry?.item.size ?? 0
    while (batch.length < limit) {
      const next = this.retryQueue[0] && !this.retryQueue[0].alone ? this.retryQueue.shift()!.item : this.nextFromPage()
      if (!next) break
      batch.push(next)
      bytes += next.size
      if (this.traits.batchBytes > 0 && bytes >= this.traits.batchBytes) break
    }
    return batch
  }

  /** All work done: planned, nothing queued, nothing in flight. */
  isDrained(): boolean {
    return this.planned && this.special === null && this.tasks.size === 0 && this.retryQueue.length === 0 && this.peek() === undefined
  }

  /** Forget the paged queue so it is read again from SQLite (after retry or resume). */
  rewind(): void {
    this.page = []
    this.cursor = 0
    this.exhausted = false
  }

  summary(base: Omit<JobSummary, 'itemsTotal' | 'itemsDone' | 'itemsFailed' | 'bytesTotal' | 'bytesDone' | 'itemRate' | 'byteRate' | 'etaMs' | 'current' | 'state' | 'planned'>): JobSummary {
    let partial = 0
    const current: string[] = []
    for (const task of this.tasks.values()) {
      partial += task.partialBytes
      current.push(...task.current)
    }
    const bytesDone = this.bytesDone + partial
    const running = this.state === 'running'
    return {
      ...base,
      state: this.state,
      planned: this.planned,
      itemsTotal: this.itemsTotal,
      itemsDone: this.itemsDone,
      itemsFailed: this.itemsFailed,
      bytesTotal: this.bytesTotal,
      bytesDone,
      itemRate: running ? this.meter.itemRate : 0,
      byteRate: running ? this.meter.byteRate : 0,
      etaMs: running && this.planned ? this.meter.eta(this.itemsTotal - this.itemsDone - this.itemsFailed, this.bytesTotal - bytesDone, this.bytesTotal) : null,
      current: current.slice(0, 8),
    }
  }

  private peek(): WorkItem | undefined {
    if (this.page.length === 0 && !this.exhausted) this.loadPage()
    return this.page[0]
  }

  private nextFromPage(): WorkItem | undefined {
    this.peek()
    return this.page.shift()
  }

  private loadPage(): void {
    this.page = this.store.pendingItems(this.id, this.cursor, PAGE_SIZE)
    if (this.page.length < PAGE_SIZE) this.exhausted = true
    const last = this.page.at(-1)
    if (last) this.cursor = last.id
  }
}
