import type { JobSpec } from '../shared/job-spec'
import type { PackedUnit, PlannedBatch, PlannedItem, UnitRole } from '../shared/worker-protocol'
import { packUnit } from '../shared/packed-unit'

/** Bounds of the items a plan closes: `units` per item at most, and `bytes` (0: none). */
export interface ItemBounds {
  units: number
  bytes: number
}

/**
 * The bounds a plan packs with. A followed (growing) input closes an item at every unit: its lines
 * arrive when another process writes them, and each should start then, not wait for the next ones.
 */
export function itemBounds(spec: JobSpec, bounds: ItemBounds): ItemBounds {
  const input = (spec as { input?: { type?: string; growing?: boolean } }).input
  return input?.type === 'file' && input.growing ? { units: 1, bytes: bounds.bytes } : bounds
}

/**
 * Packs a plan's units into items at boundaries fixed by the plan's own order, never by a clock: the
 * same plan yields the same items on any host, however slowly it runs, so a replayed plan can be
 * resumed by item index. The first items are small (1, 2, 4… units up to the bound) so the first units
 * reach the farm, and start, as soon as the plan finds them.
 */
export class ItemPacker {
  private open: PackedUnit[] = []
  private openBytes = 0
  private openRole: UnitRole | undefined
  private closedItems = 0
  /** Units the open item holds at most (`unitBound`), worked out as it opens: a plan adds units by the million. */
  private openBound = 1
  private readonly closed: PlannedBatch[] = []

  constructor(private readonly bounds: ItemBounds) {
    this.openBound = this.unitBound()
  }

  /** Adds a unit; returns how many closed items wait to be sent. */
  add(unit: PlannedItem): number {
    // An item holds units of one role (the scheduler reads an item's role, never its units).
    if (unit.role !== this.openRole) this.close()
    this.openRole = unit.role
    this.open.push(packUnit(unit.key, unit.size, unit.payload))
    this.openBytes += unit.size
    const byBytes = this.bounds.bytes > 0 && this.openBytes >= this.bounds.bytes
    if (this.open.length >= this.openBound || byBytes) this.close()
    return this.closed.length
  }

  /**
   * Units with neither size nor payload, by their keys (`packUnit` keeps such a unit as its key): the
   * same items as `add` makes of them, without an object and a call per unit. 200,000 inputs: 5 ms
   * instead of 20 in a worker that has just started.
   */
  addKeys(keys: readonly string[]): number {
    if (this.openRole !== undefined) this.close()
    this.openRole = undefined
    for (let at = 0; at < keys.length;) {
      const take = Math.min(this.openBound - this.open.length, keys.length - at)
      for (let i = at; i < at + take; i++) this.open.push(keys[i]!)
      at += take
      if (this.open.length >= this.openBound) this.close()
    }
    return this.closed.length
  }

  /** The closed items not yet taken; at the plan's end (`final`), the open one too. */
  take(final: boolean): PlannedBatch[] {
    if (final) this.close()
    return this.closed.splice(0)
  }

  /** Item n (from 0) holds at most 2^n units, up to the bound. */
  private unitBound(): number {
    return this.closedItems >= 30 ? this.bounds.units : Math.min(this.bounds.units, 2 ** this.closedItems)
  }

  private close(): void {
    if (this.open.length === 0) return
    const role = this.openRole ? { role: this.openRole } : {}
    this.closed.push({ units: JSON.stringify(this.open), count: this.open.length, size: this.openBytes, ...role })
    this.closedItems++
    this.openBound = this.unitBound()
    this.open = []
    this.openBytes = 0
  }
}
