import type { LogEntry } from '../shared/api-types'
import type { PlannedBatch } from '../shared/worker-protocol'
import type { ItemRun } from './item-run'
import type { FoundWrite, JobCounts, JobStore, NewLog, StoredUnits, UnitOutcome } from './store/job-store'
import type { OnceRule } from './store/seen-keys'

/** Flush at least this often, and sooner when this much is waiting. */
const FLUSH_MS = 250
const FLUSH_COUNT = 5000

/**
 * Buffers what units did (their items' marks, the outcomes worth a row, the jobs' counters) and log
 * lines, and writes them in one transaction every few hundred milliseconds: never one SQLite write
 * per unit, and one per changed item at most. What a crash loses (the last quarter second) is only
 * re-done on resume, never corrupted.
 */
export class HistoryWriter {
  private items = new Set<ItemRun>()
  private outcomes: UnitOutcome[] = []
  private counts = new Map<number, JobCounts>()
  private logs: NewLog[] = []
  private found: { write: FoundWrite; onStored?: (stored: StoredUnits) => void }[] = []
  private lastFlush = 0

  constructor(
    private readonly store: JobStore,
    private readonly onLogs: (entries: LogEntry[]) => void,
    /** Told, after each write, which jobs have newly settled units in the history. */
    private readonly onUnits: (jobIds: number[]) => void = () => {},
  ) {}

  /** Some of the item's units settled: its marks are written with the next flush. */
  changed(item: ItemRun): void {
    this.items.add(item)
  }

  /** Adds to a job's counters with the next flush. */
  count(jobId: number, done: number, failed: number, bytes: number): void {
    const c = this.counts.get(jobId)
    if (c) {
      c.done += done
      c.failed += failed
      c.bytes += bytes
    } else this.counts.set(jobId, { done, failed, bytes })
  }

  /**
   * Units a settled unit found: stored by the next flush in the transaction that writes its finder's
   * mark, so a crash loses both or neither (the finder then runs again and finds them again). With
   * `once`, the history keeps only keys new to the job (`OnceRule`); `onStored` hears what it kept
   * once the write is committed.
   */
  foundUnits(
    jobId: number,
    batches: readonly PlannedBatch[],
    once?: OnceRule,
    onStored?: (stored: StoredUnits) => void,
  ): void {
    this.found.push({ write: { jobId, batches, ...(once ? { once } : {}) }, ...(onStored ? { onStored } : {}) })
  }

  outcome(outcome: UnitOutcome): void {
    this.outcomes.push(outcome)
    if (this.outcomes.length >= FLUSH_COUNT) this.flush()
  }

  log(entry: NewLog): void {
    this.logs.push(entry)
    if (this.logs.length >= FLUSH_COUNT) this.flush()
  }

  /** Called on every tick: writes when enough time has passed. */
  maybeFlush(now: number): void {
    if (now - this.lastFlush >= FLUSH_MS) this.flush(now)
  }

  flush(now = Date.now()): void {
    this.lastFlush = now
    if (
      this.items.size === 0 &&
      this.outcomes.length === 0 &&
      this.logs.length === 0 &&
      this.counts.size === 0 &&
      this.found.length === 0
    )
      return
    const marks = [...this.items].map((item) => ({
      id: item.id,
      marks: item.storedMarks(),
      results: item.resultsText(),
      settled: item.unsettled === 0,
    }))
    const { outcomes, counts, logs, found } = this
    this.items = new Set()
    this.outcomes = []
    this.counts = new Map()
    this.logs = []
    this.found = []
    const ids = this.store.writeBatch(
      marks,
      outcomes,
      counts,
      logs,
      found.map((f) => f.write),
    )
    for (const { write, onStored } of found) if (write.stored) onStored?.(write.stored)
    if (logs.length) this.onLogs(logs.map((l, i) => ({ ...l, id: ids[i]! })))
    if (counts.size) this.onUnits([...counts.keys()])
  }
}
