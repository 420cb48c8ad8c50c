import type { JobSpec, KindTraits, PoolName } from '../shared/job-spec'
import { CHEAP_UNIT_MS, jobSlots, kindTraits } from '../shared/job-spec'
import type { JobState } from '../shared/job-state'
import type { LifeState, Phase } from './job-transitions'
import type { WorkItem } from '../shared/worker-protocol'
import { HostPacer } from '../shared/kinds/host-pacer'
import type { ItemRun } from './item-run'
import { OpenItems } from './open-items'
import { PlanReplay } from './plan-replay'
import type { Batch, Task } from './task'
import { RetryQueue } from './retry-queue'
import { ProgressMeter } from './progress-meter'
import { retryPolicyFor, type RetryPolicy } from './retry-policy'
import { TaskPace } from './task-pace'
import type { JobRow, JobStore } from './store/job-store'
import type { OnceRule } from './store/seen-keys'
import { crawlOf } from '../shared/kinds/urls-input'

export type { Batch, Task } from './task'

/** What the farm must do next for a job before its run tasks go out (job-transitions.ts). */
export type Special = Phase

/** A job the farm is running or holding (running, paused, being cancelled): its queue, tasks and progress. */
export class JobRun {
  readonly traits: KindTraits
  readonly pool: PoolName
  /** Where the job is in its life, and the state it shows; only JobLifecycle writes them. */
  readonly life: LifeState
  readonly state: JobState
  /** What the job must do before its run tasks go out; only JobLifecycle writes it. */
  readonly special: Special = null
  /** How the job ends once the stop under way is through (its reason, and the user's error code). */
  readonly ending: { note: string; error: string | null; code: string | null } | null = null
  /** Its units running at once across the farm at most (GNU parallel's job slots; Infinity: no bound). */
  readonly slots: number
  readonly retry: RetryPolicy
  planned: boolean
  /** A dry run: plan, run nothing. */
  readonly planOnly: boolean
  readonly tasks = new Map<number, Task>()
  /** Its own `--memfree` in bytes; null: the farm's setting. */
  readonly memfree: number | null
  /** Free memory is below its `--memfree`: none of its units starts (`MemoryGuard`). */
  memoryHeld: { freeBytes: number; limitBytes: number } | null = null
  /** The abort under way, shared by whoever asks for it while it lasts. */
  aborting: Promise<void> | null = null
  private idleWaiters: (() => void)[] = []
  readonly meter = new ProgressMeter()
  itemsTotal: number
  itemsDone: number
  itemsFailed: number
  bytesTotal: number
  bytesDone: number
  planFailures = 0
  readonly planReplay: PlanReplay
  /** Items with unsettled units, by id: loaded from the history, in a task, or back in the queue. */
  readonly items = new Map<number, ItemRun>()
  /** Items with free units, in order (the page read last, and items whose worker died). */
  private readonly open: OpenItems
  /** Units to try again: failed ones once their backoff is over, and ones in hand when their worker died. */
  readonly retries = new RetryQueue()
  /** Per-host pace of a URL job, one for all its local workers (docs/architecture.md, "Polite crawling"). */
  readonly hosts: HostPacer | null
  /**
   * A crawl's units: each URL once per job, `--max-pages` in all (the history decides: `OnceRule`);
   * found only on local workers, so its tasks go to no remote host. Null for every other job.
   */
  readonly once: OnceRule | null
  /** Links held back by `--max-pages` were noted in the job's log. */
  overLimitNoted = false
  /** Crashes per unit id, for failing a poison unit alone after a bounded number. */
  readonly crashes = new Map<number, number>()
  /** Learnt cost of a unit and of a byte, so tasks are sized by time. */
  private readonly pace = new TaskPace()
  private findingAt = -Infinity
  private findingCache = false

  constructor(
    readonly id: number,
    readonly spec: JobSpec,
    row: JobRow,
    private readonly store: JobStore,
  ) {
    this.traits = kindTraits[spec.kind]
    this.open = new OpenItems(id, store, this.items, () => this.onlyLastLeft())
    this.pool = this.traits.pool
    this.slots = jobSlots(spec)
    this.retry = retryPolicyFor(spec)
    this.hosts = spec.kind === 'urls' ? new HostPacer(spec.ratePerSecond ?? null) : null
    const crawl = crawlOf(spec)
    this.once = crawl ? { maxUnits: crawl.maxPages } : null
    this.state = row.state
    this.life = row.state
    this.planned = row.planned === 1
    this.planOnly = row.plan_only === 1
    this.memfree = row.memfree ?? null
    this.itemsTotal = row.items_total
    this.itemsDone = row.items_done
    this.itemsFailed = row.items_failed
    this.bytesTotal = row.bytes_total
    this.bytesDone = row.bytes_done
    if (!this.planned) this.special = 'plan'
    this.planReplay = new PlanReplay(row.plan_batches ?? 0, store.plans.of(id))
  }

  /** Set while a cancel or a stop is under way: no new work goes out. */
  get stopping(): 'cancel' | 'interrupt' | null {
    if (this.life === 'cancelling' || this.life === 'refusing') return 'cancel'
    if (this.life === 'interrupting' || this.life === 'timing-out' || this.life === 'halting') return 'interrupt'
    return null
  }

  /** Resolves once the job has no task in flight. */
  untilIdle(): Promise<void> {
    if (this.tasks.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** A task of the job is over. */
  dropTask(taskId: number): void {
    this.tasks.delete(taskId)
    if (this.tasks.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve())
  }

  get inFlightUnits(): number {
    let n = 0
    for (const task of this.tasks.values()) {
      n += task.units.size
      for (const { owned } of task.items.values()) n += owned.size
    }
    return n
  }

  /** A task's units run at once (bounded by the job's slots), not one after another. */
  get unitsAtOnce(): boolean {
    return this.traits.sequential === false && Number.isFinite(this.slots)
  }

  /** Each outcome is stored before its slot takes the next unit (see `KindTraits.durable`). */
  get durable(): boolean {
    const rule = this.traits.durable
    return rule === 'by-cost' ? this.pace.costsAtLeast(CHEAP_UNIT_MS) : rule
  }

  /** Slots its running units do not hold. */
  get freeSlots(): number {
    return Number.isFinite(this.slots) ? Math.max(0, this.slots - this.inFlightUnits) : Infinity
  }

  /** Its slots, those free, and its units neither settled nor in flight (for `slotsWorthATask`). */
  slotsNow(): { slots: number; freeSlots: number; left: number } {
    const inFlight = this.inFlightUnits
    const freeSlots = Number.isFinite(this.slots) ? Math.max(0, this.slots - inFlight) : Infinity
    return { slots: this.slots, freeSlots, left: this.itemsTotal - this.itemsDone - this.itemsFailed - inFlight }
  }

  /** Puts a failed unit back in the queue after `delayMs`; `then` runs once it is there (to dispatch). */
  retryLater(unit: WorkItem, delayMs: number, then: () => void): void {
    // A stopped job's unit stays pending in the history; a paused one's waits in the queue.
    this.retries.later(unit, delayMs, () => !this.stopping, then)
  }

  /** Units queued to run again, in order. */
  get retryQueue(): { unit: WorkItem; alone: boolean }[] {
    return this.retries.queue
  }

  /** Stops every backoff timer (the job stops); their units stay pending in the history. */
  dropRetries(): void {
    this.retries.drop()
  }

  get planning(): boolean {
    for (const task of this.tasks.values()) if (task.type === 'plan') return true
    return false
  }

  /** Whether this job can hand a worker something now. */
  hasWork(): boolean {
    if (this.state !== 'running' || this.stopping)
      return this.stopping === 'cancel' && this.special === 'cleanup-cancel' && this.tasks.size === 0
    // A plan or a clean-up goes out once, alone: nothing else of the job runs beside it.
    if (this.special) return this.tasks.size === 0
    if (this.planOnly) return false
    return this.retryQueue.length > 0 || this.open.peek() !== undefined
  }

  /** Units of the item are free again (their worker died): they go next. */
  reopen(item: ItemRun): void {
    this.open.reopen(item)
  }

  /** A plan added items: look in the history again. */
  morePlanned(): void {
    this.open.morePlanned()
  }

  /**
   * The next task's work: a crashed unit alone; else units to try again and items (whole, or a slice),
   * up to about TASK_MS of work by what earlier tasks of the job took.
   */
  takeBatch(poolSize: number, workersWithRoom = poolSize): Batch {
    const first = this.retryQueue[0]
    if (first?.alone) {
      this.retryQueue.shift()
      return { items: [], units: [first.unit], alone: true }
    }
    const inFlight = this.inFlightUnits
    const byTime = !this.unitsAtOnce
    const paced = byTime && this.pace.known
    const unitBudget = this.pace.units({
      left: this.itemsTotal - this.itemsDone - this.itemsFailed - inFlight,
      freeSlots: Number.isFinite(this.slots) ? Math.max(0, this.slots - inFlight) : Infinity,
      workersWithRoom,
      poolSize,
      sequential: byTime,
      durable: this.durable,
      batchItems: this.traits.batchItems,
    })
    const byteBudget = this.pace.bytes(this.traits.batchBytes)
    const batch: Batch = { items: [], units: [], alone: false }
    let units = 0
    let bytes = 0
    while (units < unitBudget && bytes < byteBudget) {
      const retry = this.retryQueue[0]
      if (retry && !retry.alone) {
        this.retryQueue.shift()
        batch.units.push(retry.unit)
        units++
        bytes += retry.unit.size
        continue
      }
      const item = this.open.peek()
      if (!item) break
      const perUnit = item.size / item.count
      const room = Math.max(
        1,
        Math.min(unitBudget - units, perUnit > 0 ? Math.ceil((byteBudget - bytes) / perUnit) : Infinity),
      )
      // Once the pace is known, an item up to twice the room goes whole: it is sent as stored, a
      // slice has to be unpacked. Before, the fair share holds, so slow units spread.
      const indexes = item.claim(paced && item.free <= 2 * room ? item.free : room)
      if (item.free === 0) {
        item.queued = false
        this.open.shift()
      }
      batch.items.push({ item, indexes })
      units += indexes.length
      bytes += indexes.length * perUnit
    }
    return batch
  }

  /** Learns from a finished task how long units and bytes take. */
  learn(task: Task, now: number, busyMs?: number): void {
    this.pace.learn(task, now, busyMs)
  }

  /** All work done: planned, nothing queued, nothing in flight. */
  isDrained(): boolean {
    return (
      this.planned &&
      this.special === null &&
      this.tasks.size === 0 &&
      this.retryQueue.length === 0 &&
      this.retries.waiting === 0 &&
      this.open.peek() === undefined
    )
  }

  /**
   * Units that may find more units are pending (a copy's folders not yet listed): the totals still
   * grow, so there is no ETA yet. Asked of the history at most twice a second.
   */
  get finding(): boolean {
    if (!this.planned || this.planOnly) return false
    const now = performance.now()
    if (now - this.findingAt > 500) {
      this.findingAt = now
      this.findingCache = this.store.isFinding(this.id)
    }
    return this.findingCache
  }

  /** Nothing but `last` units can be left: planned, nothing queued, waiting or in flight. */
  private onlyLastLeft(): boolean {
    return (
      this.planned &&
      this.special === null &&
      this.tasks.size === 0 &&
      this.retryQueue.length === 0 &&
      this.retries.waiting === 0
    )
  }
}
