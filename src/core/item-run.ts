import type { PackedUnit, RunBatch, WorkItem } from '../shared/worker-protocol'
import { unitId } from '../shared/worker-protocol'
import { keyOfUnit, unpackUnit } from '../shared/packed-unit'
import type { PendingItem } from './store/job-store'
import { MARK } from './store/unit-rows'

const PENDING = MARK.pending.charCodeAt(0)
/** A mark only the farmer's memory knows: the unit is in a task or waits to go again (stored as pending). */
const CLAIMED = 'c'.charCodeAt(0)

/**
 * An item of a running job, held while any of its units is unsettled. Its units stay packed (the
 * farmer parses them only when one fails or crashes); its marks are the units' states. A task takes
 * a slice of its free units, so a few slow units still spread over every worker.
 */
export class ItemRun {
  readonly id: number
  readonly count: number
  readonly size: number
  private readonly marks: Buffer
  /** Units without an outcome (free or claimed). */
  unsettled = 0
  /** Units no task holds yet. */
  free = 0
  /** In the job's queue of items with free units. */
  queued = false
  private scan = 0
  private parsed: PackedUnit[] | null = null
  private packed: string | null = null
  /** Units' results as JSON text, by index; read from the history only when a new one comes. */
  private results: (string | undefined)[] | null = null
  /**
   * Results as they came in reports (`DoneRun`): `[from, to)` and their JSON array, kept whole (no
   * parse, no encode per unit) until a single result needs a place among them.
   */
  private runs: { from: number; to: number; text: string }[] | null = null
  private storedResults: string | null

  constructor(
    row: PendingItem,
    private readonly readUnits: (id: number) => string,
  ) {
    this.id = row.id
    this.count = row.count
    this.size = row.size
    this.marks = Buffer.from(row.marks, 'latin1')
    this.storedResults = row.results
    for (let i = 0; i < this.marks.length; i++) if (this.marks[i] === PENDING) this.free++
    this.unsettled = this.free
  }

  /** Claims up to `limit` free units for a task, in order. */
  claim(limit: number): number[] {
    const out: number[] = []
    while (out.length < limit && this.free > 0) {
      while (this.marks[this.scan] !== PENDING) this.scan++
      this.marks[this.scan] = CLAIMED
      out.push(this.scan++)
      this.free--
    }
    return out
  }

  /** A claimed unit goes back to the free ones (its worker died before it was reached). */
  release(index: number): void {
    if (this.marks[index] !== CLAIMED) return
    this.marks[index] = PENDING
    this.free++
    this.scan = Math.min(this.scan, index)
  }

  /** Records the unit's outcome; false when it already had one (a late or repeated report). */
  settle(index: number, outcome: 'done' | 'failed'): boolean {
    const mark = this.marks[index]
    if (mark !== PENDING && mark !== CLAIMED) return false
    if (mark === PENDING) this.free--
    this.marks[index] = MARK[outcome].charCodeAt(0)
    this.unsettled--
    return true
  }

  setResult(index: number, json: string): void {
    if (!this.results) {
      const old = this.storedResults ? (JSON.parse(this.storedResults) as unknown[]) : []
      this.results = old.map((r) => (r === null ? undefined : JSON.stringify(r)))
      for (const run of this.runs ?? []) this.spread(run.from, run.text)
      this.runs = null
    }
    this.results[index] = json
  }

  /** Results of units `[from, to)` that all settled just now, as one JSON array. */
  setResults(from: number, to: number, text: string): void {
    if (this.results || this.storedResults) this.spread(from, text)
    else (this.runs ??= []).push({ from, to, text })
  }

  private spread(from: number, text: string): void {
    const values = JSON.parse(text) as unknown[]
    for (let i = 0; i < values.length; i++) if (values[i] !== null) this.setResult(from + i, JSON.stringify(values[i]))
  }

  /** The results as stored, or null to leave the stored ones as they are. */
  resultsText(): string | null {
    if (this.runs) return this.runsText(this.runs)
    if (!this.results) return null
    const parts = new Array<string>(this.count)
    for (let i = 0; i < this.count; i++) parts[i] = this.results[i] ?? 'null'
    return `[${parts.join(',')}]`
  }

  /** Runs of results (never overlapping: each unit settles once) as one array, null between them. */
  private runsText(runs: { from: number; to: number; text: string }[]): string {
    if (runs.length === 1 && runs[0]!.from === 0 && runs[0]!.to === this.count) return runs[0]!.text
    runs.sort((a, b) => a.from - b.from)
    const parts: string[] = []
    let at = 0
    for (const { from, to, text } of runs) {
      for (; at < from; at++) parts.push('null')
      parts.push(text.slice(1, -1))
      at = to
    }
    for (; at < this.count; at++) parts.push('null')
    return `[${parts.join(',')}]`
  }

  /** The unit's key when the item's units are at hand already (parsed for a retry or a crash), else undefined. */
  knownKey(index: number): string | undefined {
    const unit = this.parsed?.[index]
    return unit === undefined ? undefined : keyOfUnit(unit)
  }

  /** The unit as a handler sees it; parses the item's units on first need only. */
  unit(index: number, attempt: number): WorkItem {
    this.parsed ??= JSON.parse(this.units()) as PackedUnit[]
    return unpackUnit(unitId(this.id, index), this.parsed[index]!, attempt)
  }

  /**
   * Puts the given units into a run message: the whole item as stored when all of it goes (nothing
   * parsed, nothing re-encoded); a slice as ranges of indexes, which the worker reads from the history
   * itself. A worker that cannot read the history (a remote host) gets the slice's units packed
   * beside its ranges: a tenth of the bytes of units one by one, and nothing built per unit.
   */
  addTo(message: { batches: RunBatch[] }, indexes: number[], inline: boolean): void {
    if (indexes.length === this.count)
      message.batches.push(inline ? { item: this.id, units: this.units() } : { item: this.id })
    else if (inline) {
      this.parsed ??= JSON.parse(this.units()) as PackedUnit[]
      const parsed = this.parsed
      const units = JSON.stringify(indexes.map((i) => parsed[i]))
      message.batches.push({ item: this.id, ranges: rangesOf(indexes), units })
    } else message.batches.push({ item: this.id, ranges: rangesOf(indexes) })
  }

  private units(): string {
    this.packed ??= this.readUnits(this.id)
    return this.packed
  }

  /** The marks as stored: claimed units are pending there. */
  storedMarks(): string {
    const text = this.marks.toString('latin1')
    return text.includes('c') ? text.replaceAll('c', MARK.pending) : text
  }
}

/** Ascending indexes as flat `[from, to)` pairs: a claimed slice is usually one run. */
export function rangesOf(indexes: readonly number[]): number[] {
  const out: number[] = []
  for (const i of indexes) {
    if (out.length && out[out.length - 1] === i) out[out.length - 1] = i + 1
    else out.push(i, i + 1)
  }
  return out
}
