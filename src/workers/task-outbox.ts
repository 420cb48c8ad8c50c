import type { DoneRun, FoundUnits, FromWorker, ItemFailure, ItemSuccess, PlannedItem } from '../shared/worker-protocol'
import { indexOfUnit, itemOfUnit } from '../shared/worker-protocol'
import type { FoundUnitsPacker } from './found-units'
import type { ItemPacker } from './item-packer'
import type { TaskUnits } from './task-units'

/**
 * How often a busy task reports finished units, closed items and progress: often enough that a
 * worker's death loses little and a plan's first items start at once, rarely enough to be cheap.
 * A flush only sends what is closed: where an item ends never depends on time (see `ItemPacker`).
 */
const FLUSH_MS = 25
const FLUSH_UNITS = 5000

/** Coalesces a task's results, planned units and progress into few messages. */
export class TaskOutbox {
  private doneIds: number[] = []
  private doneResults: ItemSuccess[] = []
  private readonly doneRuns = new DoneRunPacker()
  private doneBytes = 0
  private doneFound: FoundUnits[] = []
  private failedItems: ItemFailure[] = []
  private partialBytes = new Map<number, number>()
  private progressDirty = false
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly taskId: number,
    private readonly send: (message: FromWorker) => void,
    /** The task's units: whether any has a size, and each by its id (`TaskUnits`). */
    private readonly units: Pick<TaskUnits, 'sized' | 'find' | 'sizeOf'>,
    private readonly packer: ItemPacker,
    private readonly finds: FoundUnitsPacker,
    /** Done units go as `DoneRun`s (see `packResults`). */
    private readonly packs: boolean,
  ) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS)
  }

  planned(item: PlannedItem): void {
    if (this.packer.add(item) >= 8) this.flush()
  }
  plannedKeys(keys: readonly string[]): void {
    if (this.packer.addKeys(keys) >= 8) this.flush()
  }
  found(id: number, unit: PlannedItem): void {
    this.finds.add(id, unit)
  }
  done(id: number, result: unknown): void {
    this.settle(id)
    // What the unit found goes in the message that says it is done: the farmer stores both at once.
    const found = this.finds.take(id)
    if (found) this.doneFound.push(found)
    if (this.packs && !found) this.doneRuns.add(id, result)
    else if (result === undefined || result === null) this.doneIds.push(id)
    else this.doneResults.push({ id, result })
    if (this.units.sized) this.doneBytes += this.units.sizeOf(id)
    if (this.doneIds.length + this.doneResults.length + this.doneRuns.units >= FLUSH_UNITS) this.flush()
  }
  failed(item: ItemFailure): void {
    this.settle(item.id)
    this.finds.take(item.id) // a failed unit's finds are dropped: it finds them again when it goes again
    this.failedItems.push(item)
    if (this.failedItems.length >= FLUSH_UNITS) this.flush()
  }
  progress(id: number, bytes: number): void {
    this.partialBytes.set(id, bytes)
    this.progressDirty = true
  }

  /** Sends what has settled; `final` (the task's end) also closes the item still open. */
  flush(final = false): void {
    const { taskId } = this
    const batches = this.packer.take(final)
    if (batches.length) this.send({ type: 'planned', taskId, batches })
    if (this.doneIds.length || this.doneResults.length || this.doneRuns.units) {
      const found = this.doneFound.length ? { found: this.doneFound } : {}
      const runs = this.doneRuns.units ? { runs: this.doneRuns.take() } : {}
      this.send({
        type: 'unitsDone',
        taskId,
        ids: this.doneIds,
        results: this.doneResults,
        ...runs,
        bytes: this.doneBytes,
        ...found,
      })
      this.doneIds = []
      this.doneResults = []
      this.doneBytes = 0
      this.doneFound = []
    }
    if (this.failedItems.length) this.send({ type: 'unitsFailed', taskId, items: this.failedItems.splice(0) })
    if (this.progressDirty) {
      this.progressDirty = false
      let bytes = 0
      for (const b of this.partialBytes.values()) bytes += b
      const current = [...this.partialBytes.keys()].slice(0, 8).map((id) => this.units.find(id)?.key ?? String(id))
      this.send({ type: 'progress', taskId, bytes, current })
    }
  }

  close(): void {
    clearInterval(this.timer)
  }

  private settle(id: number): void {
    if (this.partialBytes.delete(id)) this.progressDirty = true
  }
}

/** Packs done units into runs of one item's consecutive units, their results joined as JSON text. */
export class DoneRunPacker {
  private runs: DoneRun[] = []
  private open: { item: number; from: number; to: number; values: unknown[]; any: boolean } | null = null
  /** Units added since the last `take`. */
  units = 0

  add(id: number, result: unknown): void {
    const item = itemOfUnit(id)
    const index = indexOfUnit(id)
    let run = this.open
    if (!run || run.item !== item || run.to !== index) {
      this.close()
      run = this.open = { item, from: index, to: index, values: [], any: false }
    }
    run.values.push(result)
    if (result !== null && result !== undefined) run.any = true
    run.to++
    this.units++
  }

  take(): DoneRun[] {
    this.close()
    const runs = this.runs
    this.runs = []
    this.units = 0
    return runs
  }

  private close(): void {
    const run = this.open
    if (!run) return
    this.open = null
    const { item, from, to } = run
    this.runs.push({ item, from, to, results: run.any ? resultsJson(run.values) : null })
  }
}

/**
 * Results as one JSON array, encoded in one call (a unit's own encoding cost more than the rest of its
 * report). What JSON cannot hold (undefined, a function, NaN) is null there: a unit without a result.
 */
function resultsJson(values: unknown[]): string {
  try {
    return JSON.stringify(values)
  } catch {
    // One value cannot be encoded (a BigInt, a cycle): that one alone has no result.
    return `[${values.map((value) => safeJson(value)).join(',')}]`
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null'
  } catch {
    return 'null'
  }
}
