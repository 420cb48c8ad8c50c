import type { JobSpec } from './job-spec'
import type { LogLevel } from './job-state'
import type { ErrorInfo } from './user-error'

/**
 * The messages between the farm and its worker processes, named by direction. Every message about
 * work carries the `taskId` of the task it belongs to; a task is one plan, one run of units, or one
 * clean-up, always for a single job.
 *
 * Units and items: a unit is one file, URL or probe chunk, with its own outcome; an item (a row of
 * the history) packs many units, so the farmer pays per item (a row, a message, a bit of
 * scheduling), not per unit. Kind handlers only ever see units (`WorkItem`).
 */

/** One unit of work as a kind handler sees it. `payload` is kind-specific. */
export interface WorkItem {
  /** `itemId * UNIT_SPAN + index`: stable, and says which item the unit belongs to. */
  id: number
  key: string
  payload: unknown
  size: number
  /** 1 on the first try. */
  attempt: number
}

/** Units per item at most: a unit's id packs the item id and its index below this. */
export const UNIT_SPAN = 65536
/** How a worker started ahead of a job is told the job's kind (`--load-kind=probe`): it loads that kind's code at once. */
export const LOAD_KIND_FLAG = '--load-kind='
/**
 * Set in a worker's environment when its farm's reaper ends it with the farm (`worker-reaper.ts`): it
 * starts no watcher thread of its own (`end-with-farm.ts`, the way where there is no POSIX shell).
 */
export const REAPED_ENV = 'TASK_FARM_REAPED'

export const unitId = (itemId: number, index: number): number => itemId * UNIT_SPAN + index
export const itemOfUnit = (id: number): number => Math.floor(id / UNIT_SPAN)
export const indexOfUnit = (id: number): number => id % UNIT_SPAN

/** A unit found by a plan, before it has an id. */
export interface PlannedItem {
  key: string
  payload: unknown
  /** Bytes this unit will move (0 when the kind does not count bytes). */
  size: number
  /** What the scheduler must know of it (see `UnitRole`); its item holds units of one role only. */
  role?: UnitRole
}

/**
 * `finds`: running it may find more units of its job (a folder listed by a copy's parallel walk).
 * `last`: handed out only once every other unit of the job has settled (a copied folder's times).
 */
export type UnitRole = 'finds' | 'last'

/**
 * An item's units as stored and sent: the JSON text of `PackedUnit[]`. The farmer passes it through
 * untouched (never parses a unit it does not need to), the worker runtime unpacks it.
 */
export type PackedUnits = string
/**
 * A unit as its item holds it: `[key, size, payload]`, or its key alone when it has neither size nor
 * payload (a map's inputs; a run's carry their number). `packed-unit.ts` reads both.
 */
export type PackedUnit = [key: string, size: number, payload: unknown] | string

/** Items a plan made: each a run of units in the order found. */
export interface PlannedBatch {
  units: PackedUnits
  count: number
  size: number
  role?: UnitRole
}

/** Units a unit found while it ran, stored with its outcome in one transaction (it done, they pending). */
export interface FoundUnits {
  /** The unit that found them. */
  id: number
  batches: PlannedBatch[]
}

/**
 * A whole item to run (a part of an item goes as single `WorkItem`s). Without `units`, the worker
 * reads them from the history itself (`history` in the run message): the farmer then never moves
 * a unit's bytes. Workers that cannot see the history file are sent the units.
 */
export interface RunBatch {
  item: number
  /** The item's units as stored; with `ranges`, the units of those ranges alone, in order. */
  units?: PackedUnits
  /**
   * Part of the item only: `[from, to)` pairs of unit indexes, flat. Without `units` the worker reads
   * the item itself (and keeps the last few parsed), so a slice costs the farmer neither a parse nor a
   * re-encode.
   */
  ranges?: number[]
}

export interface ItemSuccess {
  id: number
  result: unknown
}

/**
 * Units `[from, to)` of one item, done one after another: `results` is their results as one JSON
 * array (null where a unit has none), or null when none has one. The farmer stores that text as it
 * came, so a map of 200,000 calls costs it no object, parse or encode per unit.
 */
export interface DoneRun {
  item: number
  from: number
  to: number
  results: string | null
}
export interface ItemFailure {
  id: number
  error: string
  code?: string
  /** False when trying again cannot help (e.g. the source file is gone). */
  retryable: boolean
  /** What the unit produced before it failed (a command's exit code, time and output), kept with it. */
  result?: unknown
  /** The wait the other side asked for (HTTP Retry-After), over the retry policy's backoff. */
  retryAfterMs?: number
}

export type ToWorker =
  | {
      type: 'plan'
      taskId: number
      jobId: number
      spec: JobSpec
      /** Bounds of one planned item (units, bytes; 0: no byte bound). */
      batch: { units: number; bytes: number }
      /** The history database, read-only, for plans that start from another job's units (verify). */
      history?: string
      /** Its units may find more units while they run (every worker is local: see `FoundUnits`). */
      findUnits?: boolean
    }
  | {
      type: 'run'
      taskId: number
      jobId: number
      /** Every task message names its job's spec; on the wire a local worker gets it once (`spec-once.ts`). */
      spec: JobSpec
      /** Whole items, then single units (a slice of an item, units sent again with their attempt). */
      batches: RunBatch[]
      /** The history database, read-only, for batches sent without their units. */
      history?: string
      units: WorkItem[]
      /** The farm stores what these units find (`FoundUnits`): a local worker. Remote hosts never get it. */
      findUnits?: boolean
      /** The farmer paces requests per host for this job across all its workers (`hostTurn`). */
      paced?: boolean
      /** Report done units as `DoneRun`s: one entry per run of an item, not per unit. */
      packResults?: boolean
    }
  /** The turn asked for with `ask` came: its request may start; `ticket` goes back with the answer. */
  | { type: 'hostTurn'; taskId: number; ask: number; ticket: number }
  | { type: 'cleanup'; taskId: number; jobId: number; spec: JobSpec; reason: 'cancel' | 'resume' }
  | { type: 'cancel'; taskId: number }
  /** A job of this kind is coming: load its code (and open the history) before its first task does. */
  | { type: 'warm'; kind: JobSpec['kind']; history?: string }
  | { type: 'shutdown' }

/** What a plan learnt beside its items: shown with the job and, for a dry run, its whole answer. */
export interface PlanSummary {
  /** Lines for the person: "1,204 files, 3.1 GiB; 12 conflicts (skip)". */
  notes: string[]
  /** Kind-specific figures (conflicts, free space…), shown in the job detail. */
  facts: Record<string, number | string | boolean>
}

export type FromWorker =
  | { type: 'ready'; pid: number }
  /**
   * `from`: the number of its first batch in the run of the plan that sent it. Remote hosts send it: a
   * plan batch BullMQ hands to another host after a stall starts again at 0. A local worker's reports
   * follow each other (a plan started again is a new task).
   */
  | { type: 'planned'; taskId: number; batches: PlannedBatch[]; from?: number }
  | { type: 'progress'; taskId: number; bytes: number; current?: string[] }
  | { type: 'log'; taskId?: number; level: LogLevel; message: string }
  /**
   * Units finished since the last report, sent every few tens of milliseconds: `ids` without a
   * result, `results` with one, `runs` packed (`packResults`; a unit that found units never is);
   * `bytes` is the sum of their sizes.
   */
  | {
      type: 'unitsDone'
      taskId: number
      ids: number[]
      results: ItemSuccess[]
      runs?: DoneRun[]
      bytes: number
      found?: FoundUnits[]
    }
  | { type: 'unitsFailed'; taskId: number; items: ItemFailure[] }
  /**
   * A unit started a process group of its own (a command's run): the farmer kills that group when
   * the worker dies, since a SIGKILLed worker cannot, before the unit goes again. Sent at once.
   */
  | { type: 'spawned'; taskId: number; unit: number; group: number }
  /**
   * A paced run asks for its next request's turn to `host` (robots.txt's Crawl-delay with it, when
   * known); the farmer answers `hostTurn` with the same `ask` when the host's pace allows it.
   */
  | { type: 'hostTurn'; taskId: number; ask: number; host: string; crawlDelayMs: number | null }
  /** How the host answered a paced request: a 429/503 cuts the host's rate for every worker. */
  | {
      type: 'hostAnswered'
      taskId: number
      host: string
      ticket: number
      throttled: boolean
      retryAfterMs: number | null
    }
  /**
   * Requests of a job without a rate that went to a host without asking (`hostTurn`), while the
   * host had not answered this worker 429/503; sent every ~100 ms and before any `hostAnswered`,
   * for the job (its tasks may have ended by then; `taskId` is the last one that sent a request).
   */
  | { type: 'hostsUsed'; taskId: number; jobId: number; hosts: { host: string; requests: number; ok: number }[] }
  /**
   * A task's end. `busyMs`: how long it took in the worker, from its arrival: the farm sizes the job's
   * next tasks by it, not by the round trip (a remote batch's trip through Redis is no unit's cost).
   */
  | { type: 'done'; taskId: number; summary?: PlanSummary; rss: number; busyMs?: number }
  | { type: 'failed'; taskId: number; error: ErrorInfo; rss: number; busyMs?: number }
