import type { KindTraits } from '../shared/job-spec'
import type { FoundUnits, PackedUnit, PlannedBatch, PlannedItem, UnitRole } from '../shared/worker-protocol'
import { packUnit } from '../shared/packed-unit'

/**
 * Holds the units each running unit finds (`RunContext.emit`) until it settles, then packs them into
 * items: one role per item (the scheduler reads an item's role, never its units), in the order found,
 * each item up to the kind's bounds.
 */
export class FoundUnitsPacker {
  private readonly byUnit = new Map<number, PlannedItem[]>()

  constructor(private readonly bounds: Pick<KindTraits, 'batchItems' | 'batchBytes'>) {}

  add(id: number, unit: PlannedItem): void {
    const list = this.byUnit.get(id)
    if (list) list.push(unit)
    else this.byUnit.set(id, [unit])
  }

  /** The items of what unit `id` found (null: nothing), forgotten here. */
  take(id: number): FoundUnits | null {
    const units = this.byUnit.get(id)
    if (!units) return null
    this.byUnit.delete(id)
    const batches: PlannedBatch[] = []
    for (const role of [undefined, 'finds', 'last'] as const) this.pack(units, role, batches)
    return { id, batches }
  }

  private pack(units: readonly PlannedItem[], role: UnitRole | undefined, out: PlannedBatch[]): void {
    let open: PackedUnit[] = []
    let bytes = 0
    const close = (): void => {
      if (!open.length) return
      out.push({ units: JSON.stringify(open), count: open.length, size: bytes, ...(role ? { role } : {}) })
      open = []
      bytes = 0
    }
    for (const unit of units) {
      if (unit.role !== role) continue
      open.push(packUnit(unit.key, unit.size, unit.payload))
      bytes += unit.size
      if (open.length >= this.bounds.batchItems || (this.bounds.batchBytes > 0 && bytes >= this.bounds.batchBytes))
        close()
    }
    close()
  }
}
