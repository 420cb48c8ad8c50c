import type { LogEntry } from '../shared/api-types'
import type { ItemOutcome, JobStore, NewLog } from './store/job-store'

/** Flush at least this often, and sooner when this much is waiting. */
const FLUSH_MS = 250
const FLUSH_COUNT = 5000

/**
 * Buffers item outcomes and log lines and writes them in one transaction every few hundred
 * milliseconds: never one SQLite write per item. What a crash loses (the last quarter second of
 * results) is only re-done on resume, never corrupted.
 */
export class HistoryWriter {
  private outcomes: ItemOutcome[] = []
  private logs: NewLog[] = []
  private lastFlush = 0

  constructor(
    private readonly store: JobStore,
    private readonly onLogs: (entries: LogEntry[]) => void,
  ) {}

  outcome(outcome: ItemOutcome): void {
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
    if (this.outcomes.length === 0 && this.logs.length === 0) return
    const outcomes = this.outcomes
    const logs = this.logs
    this.outcomes = []
    this.logs = []
    const ids = this.store.writeBatch(outcomes, logs)
    if (logs.length) this.onLogs(logs.map((l, i) => ({ ...l, id: ids[i]! })))
  }
}
