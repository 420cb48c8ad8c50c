import type { PackedUnit, PlannedBatch } from '../shared/worker-protocol'
import { keyOfUnit, sizeOfUnit } from '../shared/packed-unit'
import type { StoredPlan } from './store/stored-plan'

/**
 * A plan stopped half-way (its worker killed, or the whole farm) runs again from its start. Plans are
 * deterministic (items close at counts and bytes in the plan's own order: `item-packer.ts`), so the
 * first batches of the new run are the ones stored before, whose units may have run already (commands
 * have side effects). Those are passed over, and keep their outcomes.
 *
 * Unless the source changed in between (a file deleted or added in a copied tree, a line in an input
 * list): each batch passed over is checked against the one stored under its number, and at the first
 * that differs, the replay goes by key from there. A unit is then passed over when a stored batch not
 * yet matched holds its key (as many times as they hold it: inputs may repeat), and stored otherwise.
 * By count alone, a unit that moved across a batch's edge was left out (a deletion) or run twice (an
 * addition). A stored unit the source no longer has stays, and says so when it runs (a copy's vanished file).
 */
export class PlanReplay {
  /** Batches the current run of the plan has reported. */
  private seen = 0
  /** Keys of the stored batches from the first that differed on, not yet met again: set once they differ. */
  private unmatched: Map<string, number> | null = null

  constructor(
    private stored: number,
    private readonly plan: StoredPlan,
  ) {}

  /** Batches of the plan in the history. */
  get storedBefore(): number {
    return this.stored
  }

  /** A plan task goes out: it starts again from its first batch. */
  restart(): void {
    this.seen = 0
    this.unmatched = null
  }

  /**
   * The batches of a `planned` report to store: the caller stores them, and they are counted as stored.
   * `from` 0 after batches were seen: a remote plan another host started again (its first stalled).
   */
  fresh(batches: readonly PlannedBatch[], from?: number): readonly PlannedBatch[] {
    if (from === 0 && this.seen > 0) this.restart()
    const kept: PlannedBatch[] = []
    for (const batch of batches) {
      const index = this.seen++
      if (!this.unmatched) {
        if (index >= this.stored) {
          kept.push(batch)
          continue
        }
        const before = this.plan.batch(index)
        // Undefined: stored by a build that did not number its batches; passed over by count, as it did.
        if (before === undefined || before === batch.units) continue
        this.unmatched = this.plan.keysFrom(index)
      }
      const rest = this.withoutStored(batch)
      if (rest) kept.push(rest)
    }
    this.stored += kept.length
    return kept
  }

  /** The units of a batch that no unmatched stored batch holds (null: none). */
  private withoutStored(batch: PlannedBatch): PlannedBatch | null {
    const unmatched = this.unmatched!
    const units: PackedUnit[] = []
    let size = 0
    for (const unit of JSON.parse(batch.units) as PackedUnit[]) {
      const key = keyOfUnit(unit)
      const left = unmatched.get(key) ?? 0
      if (left > 0) {
        if (left === 1) unmatched.delete(key)
        else unmatched.set(key, left - 1)
        continue
      }
      units.push(unit)
      size += sizeOfUnit(unit)
    }
    if (units.length === batch.count) return batch
    return units.length === 0 ? null : { ...batch, units: JSON.stringify(units), count: units.length, size }
  }
}
