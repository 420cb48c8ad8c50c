import type { PackedUnit, ToWorker, WorkItem } from '../shared/worker-protocol'
import { indexOfUnit, itemOfUnit, unitId } from '../shared/worker-protocol'
import { sizeOfUnit, unpackUnit } from '../shared/packed-unit'
import { readItemUnits, readParsedUnits } from './history-reader'

/** What a kind's `run` is handed: its task's units, in the order sent, and how many there are. */
export type Units = Iterable<WorkItem> & { readonly length: number }

/** One item's units in a task: the item's packed units as parsed, and which of them run. */
interface Segment {
  item: number
  packed: readonly PackedUnit[]
  /** `[from, to)` pairs of unit indexes, flat. */
  ranges: readonly number[]
  /** A slice sent with its units (to a remote host): `packed` holds those units alone, from 0. */
  sliceSent: boolean
}

/**
 * A run task's units, made into `WorkItem`s one at a time as the kind reads them. Made all at once, a
 * map's units lived as long as their task: a worker of a 200,000-input map spent ~50 ms making them and
 * most of its ~60 ms of garbage collection copying them between the young and old heaps. Made as they
 * are read, each dies young, which costs the collector next to nothing.
 */
export class TaskUnits implements Units {
  readonly length: number
  /** Whether any unit has a size (a file): the outbox then counts the bytes of those done. */
  readonly sized: boolean
  private looseById: Map<number, WorkItem> | null = null

  private constructor(
    private readonly segments: readonly Segment[],
    /** Units sent as they are (a retry's, one at a time), after the segments' units. */
    private readonly loose: readonly WorkItem[],
  ) {
    let length = loose.length
    for (const { ranges } of segments) for (let r = 0; r < ranges.length; r += 2) length += ranges[r + 1]! - ranges[r]!
    this.length = length
    this.sized =
      loose.some((unit) => unit.size > 0) || segments.some(({ packed }) => packed.some((unit) => sizeOfUnit(unit) > 0))
  }

  /** Units given as objects already (a plan task's none, tests'). */
  static of(units: readonly WorkItem[]): TaskUnits {
    return new TaskUnits([], units)
  }

  /** The units of a run task: every unit of each whole item, then single units. */
  static async read(message: Extract<ToWorker, { type: 'run' }>): Promise<TaskUnits> {
    const segments: Segment[] = []
    for (const batch of message.batches) {
      const sliceSent = batch.ranges !== undefined && batch.units !== undefined
      const packed = batch.ranges
        ? batch.units
          ? (JSON.parse(batch.units) as PackedUnit[])
          : await readParsedUnits(message.history, batch.item)
        : (JSON.parse(batch.units ?? (await readItemUnits(message.history, batch.item))) as PackedUnit[])
      const ranges = batch.ranges ?? [0, packed.length]
      checkRanges(batch.item, packed, ranges, sliceSent)
      segments.push({ item: batch.item, packed, ranges, sliceSent })
    }
    return new TaskUnits(segments, message.units)
  }

  *[Symbol.iterator](): Iterator<WorkItem> {
    for (const { item, packed, ranges, sliceSent } of this.segments) {
      let at = 0
      for (let r = 0; r < ranges.length; r += 2)
        for (let i = ranges[r]!; i < ranges[r + 1]!; i++)
          yield unpackUnit(unitId(item, i), packed[sliceSent ? at++ : i]!)
    }
    yield* this.loose
  }

  first(): WorkItem | undefined {
    for (const unit of this) return unit
    return undefined
  }

  /** The unit `id` of this task, made anew (progress lines name the units in hand). */
  find(id: number): WorkItem | undefined {
    const loose = this.looseUnit(id)
    if (loose) return loose
    const packed = this.packedUnit(id)
    return packed === undefined ? undefined : unpackUnit(id, packed)
  }

  /** The size of unit `id` (0 when it has none or is not in this task), without making its object. */
  sizeOf(id: number): number {
    const loose = this.looseUnit(id)
    if (loose) return loose.size
    const packed = this.packedUnit(id)
    return packed === undefined ? 0 : sizeOfUnit(packed)
  }

  private looseUnit(id: number): WorkItem | undefined {
    if (!this.loose.length) return undefined
    this.looseById ??= new Map(this.loose.map((unit) => [unit.id, unit]))
    return this.looseById.get(id)
  }

  /** Unit `id` as its item's segment holds it. */
  private packedUnit(id: number): PackedUnit | undefined {
    const item = itemOfUnit(id)
    const index = indexOfUnit(id)
    for (const { item: of, packed, ranges, sliceSent } of this.segments) {
      if (of !== item) continue
      let at = 0
      for (let r = 0; r < ranges.length; r += 2) {
        const [from, to] = [ranges[r]!, ranges[r + 1]!]
        if (index >= from && index < to) return packed[sliceSent ? at + index - from : index]
        at += to - from
      }
    }
    return undefined
  }
}

/** Every unit the ranges name is there: a short item fails its task at once, not half-way through. */
function checkRanges(item: number, packed: readonly PackedUnit[], ranges: readonly number[], sliceSent: boolean): void {
  let before = 0 // units of the earlier ranges (a slice sent holds them first)
  for (let r = 0; r < ranges.length; r += 2) {
    const [from, to] = [ranges[r]!, ranges[r + 1]!]
    // The first index past what was sent; a key alone may be '' (an empty input): only a missing unit is an error.
    const sentTo = sliceSent ? from + packed.length - before : packed.length
    if (to > sentTo) throw new Error(`item ${item}: unit ${Math.max(from, sentTo)} is not among those sent`)
    before += to - from
  }
}
