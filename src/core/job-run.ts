import type { JobSpec, KindTraits, PoolName } from '../shared/job-spec'
import { CHEAP_UNIT_MS, jobSlots, kindTraits } from '../shared/job-spec'
import type { JobState } from '../shared/job-state'
import type { LifeState, Phase } from './job-transitions'
import type { WorkItem } from '../shared/worker-protocol'
import { HostPacer } from '../shared/kinds/host-pacer'
import { ItemRun } from './item-run'
import { ProgressMeter } from './progress-meter'
import { retryPolicyFor, type RetryPolicy } from './retry-policy'
import { taskUnits } from './task-choice'
import type { JobRow, JobStore } from './store/job-store'

/** Items read from SQLite at a time: each may hold thousands of units, so a few are plenty. */
const PAGE_SIZE = 16
/** What one task should take a worker, so progress stays smooth, cancels prompt and IPC cheap. */
const TASK_MS = 40
/** Units of a task before the job's pace is known: small, so the pace is learnt at once. */
const FIRST_UNITS = 32

export interface Task {
  id: number
  job: JobRun
  type: 'plan' | 'run' | 'cleanup'
  /** Units of items this task holds and has not reported on, by item. */
  items: Map<number, { item: ItemRun; order: number; owned: Set<number> }>
  /** Single units sent (retries, a crash suspect), by id, until reported on. */
  units: Map<number, WorkItem>
  /** A unit sent alone because it was in hand when a worker died. */
  alone: boolean
  /** The furthest unit reported, as `order * 65536 + index`: the unit after it is the one in hand. */
  furthest: number
  sentAt: number
  sentUnits: number
  sentBytes: number
  partialBytes: number
  current: string[]
  /** Process groups its units lead (commands), by unit id, until each unit settles. */
  groups: Map<number, number>
}

/** What one task carries, chosen by `takeBatch`. */
export interface Batch {
  items: { item: ItemRun; indexes: number[] }[]
  units: WorkItem[]
  alone: boolean
}

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
  /** Items with unsettled units, by id: loaded from the history, in a task, or back in the queue. */
  readonly items = new Map<number, ItemRun>()
  /** Items with free units, in order (the page read last, and items whose worker died). */
  private readonly open: ItemRun[] = []
  /** Units that failed or were in hand when their worker died, to try again; the latter go out alone. */
  readonly retryQueue: { unit: WorkItem; alone: boolean }[] = []
  /** Units waiting out their retry backoff: they hold no slot and no worker; a timer queues them. */
  readonly backoffs = new Set<NodeJS.Timeout>()
  /** Per-host pace of a URL job, one for all its local workers (docs/architecture.md, "Polite crawling"). */
  readonly hosts: HostPacer | null
  /** Crashes per unit id, for failing a poison unit alone after a bounded number. */
  readonly crashes = new Map<number, number>()
  /** Learnt cost of a unit and of a byte, so tasks are sized by time. */
  private msPerUnit = 0
  private msPerByte = 0
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
    this.slots = jobSlots(spec)
    this.retry = retryPolicyFor(spec)
    this.hosts = spec.kind === 'urls' ? new HostPacer(spec.ratePerSecond ?? null) : null
    this.state = row.state
    this.life = row.state
    this.planned = row.planned === 1
    this.planOnly = row.plan_only === 1
    this.itemsTotal = row.items_total
    this.itemsDone = row.items_done
    this.itemsFailed = row.items_failed
    this.bytesTotal = row.bytes_total
    this.bytesDone = row.bytes_done
    if (!this.planned) this.special = 'plan'
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
    return rule === 'by-cost' ? this.msPerUnit === 0 || this.msPerUnit >= CHEAP_UNIT_MS : rule
  }

  /** Slots its running units do not hold. */
  get freeSlots(): number {
    return Number.isFinite(this.slots) ? Math.max(0, this.slots - this.inFlightUnits) : Infinity
  }

  /** Puts a failed unit back in the queue after `delayMs`; `then` runs once it is there (to dispatch). */
  retryLater(unit: WorkItem, delayMs: number, then: () => void): void {
    if (delayMs <= 0) {
      this.retryQueue.push({ unit, alone: false })
      return
    }
    const timer = setTimeout(() => {
      this.backoffs.delete(timer)
      // A stopped job's unit stays pending in the history; a paused one's waits in the queue.
      if (this.stopping) return
      this.retryQueue.push({ unit, alone: false })
      then()
    }, delayMs)
    timer.unref() // A closing farm does not wait for it: the unit is pending in the history.
    this.backoffs.add(timer)
  }

  /** Stops every backoff timer (the job stops); their units stay pending in the history. */
  dropRetries(): void {
    for (const timer of this.backoffs) clearTimeout(timer)
    this.backoffs.clear()
    this.retryQueue.length = 0
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
    return this.retryQueue.length > 0 || this.peek() !== undefined
  }

  /** Units of the item are free again (their worker died): they go next. */
  reopen(item: ItemRun): void {
    if (item.free === 0 || item.queued) return
    item.queued = true
    this.open.unshift(item)
  }

  /** A plan added items: look in the history again. */
  morePlanned(): void {
    this.exhausted = false
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
    const paced = byTime && this.msPerUnit > 0
    const unitBudget = taskUnits({
      left: this.itemsTotal - this.itemsDone - this.itemsFailed - inFlight,
      freeSlots: Number.isFinite(this.slots) ? Math.max(0, this.slots - inFlight) : Infinity,
      workersWithRoom,
      poolSize,
      sequential: byTime,
      durable: this.durable,
      batchItems: this.traits.batchItems,
      msPerUnit: this.msPerUnit,
      taskMs: TASK_MS,
      firstUnits: FIRST_UNITS,
    })
    const byteBudget = this.msPerByte > 0 ? TASK_MS / this.msPerByte : this.traits.batchBytes || Infinity
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
      const item = this.peek()
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
  learn(task: Task, now: number): void {
    if (task.type !== 'run' || task.sentUnits === 0) return
    const ms = Math.max(0.1, now - task.sentAt)
    const ewma = (old: number, sample: number): number => (old > 0 ? (old + sample) / 2 : sample)
    // Big files cost by the byte, small ones by the file.
    if (task.sentBytes / task.sentUnits >= 1024 * 1024) this.msPerByte = ewma(this.msPerByte, ms / task.sentBytes)
    else this.msPerUnit = ewma(this.msPerUnit, ms / task.sentUnits)
  }

  /** All work done: planned, nothing queued, nothing in flight. */
  isDrained(): boolean {
    return (
      this.planned &&
      this.special === null &&
      this.tasks.size === 0 &&
      this.retryQueue.length === 0 &&
      this.backoffs.size === 0 &&
      this.peek() === undefined
    )
  }

  /** Forgets every item (a plan starts again from nothing). */
  forgetItems(): void {
    this.items.clear()
    this.dropRetries()
    this.open.length = 0
    this.cursor = 0
    this.exhausted = false
  }

  private peek(): ItemRun | undefined {
    while (this.open.length === 0 && !this.exhausted) {
      const rows = this.store.pendingItems(this.id, this.cursor, PAGE_SIZE)
      if (rows.length < PAGE_SIZE) this.exhausted = true
      const last = rows.at(-1)
      if (last) this.cursor = last.id
      for (const row of rows) {
        const item = new ItemRun(row, (id) => this.store.itemUnits(id))
        if (item.free === 0) continue
        this.items.set(item.id, item)
        item.queued = true
        this.open.push(item)
      }
    }
    return this.open[0]
  }
}
