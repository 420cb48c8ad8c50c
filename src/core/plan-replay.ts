/**
 * A plan stopped half-way (its worker killed, or the whole farm) runs again from its start. Plans are
 * deterministic (items close at counts and bytes in the plan's own order: `item-packer.ts`), so the
 * first batches of the new run are the ones stored before, whose units may have run already (commands
 * have side effects). Those are passed over, by count (`jobs.plan_batches`), and keep their outcomes.
 */
export class PlanReplay {
  /** Batches the current run of the plan has reported. */
  private seen = 0

  constructor(private stored: number) {}

  /** Batches of the plan in the history. */
  get storedBefore(): number {
    return this.stored
  }

  /** A plan task goes out: it starts again from its first batch. */
  restart(): void {
    this.seen = 0
  }

  /** The batches of a `planned` report not stored before (the caller stores them, counted). */
  fresh<T>(batches: readonly T[]): readonly T[] {
    const skip = Math.min(batches.length, Math.max(0, this.stored - this.seen))
    this.seen += batches.length
    this.stored = Math.max(this.stored, this.seen)
    return skip === 0 ? batches : batches.slice(skip)
  }
}
