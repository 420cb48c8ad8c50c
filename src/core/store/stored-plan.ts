import type Database from 'better-sqlite3'
import type { PackedUnit } from '../../shared/worker-protocol'
import { keyOfUnit } from '../../shared/packed-unit'

/** A job's plan as the history holds it: its batches by number (`items.plan_batch`, v12). */
export interface StoredPlan {
  /** The units (as stored, JSON) of the plan's batch `index`; undefined: not stored, or by a build before v12. */
  batch(index: number): string | undefined
  /** The keys of the plan's batches from `index` on, each with how many units hold it. */
  keysFrom(index: number): Map<string, number>
}

/** Reads the stored batches of a job's plan for its replay (`PlanReplay`). */
export class StoredPlans {
  private readonly s

  constructor(db: Database.Database) {
    this.s = {
      batch: db.prepare('SELECT units FROM items WHERE job_id = ? AND plan_batch = ?').pluck(),
      from: db.prepare('SELECT units FROM items WHERE job_id = ? AND plan_batch >= ? ORDER BY plan_batch').pluck(),
    }
  }

  of(jobId: number): StoredPlan {
    return {
      batch: (index) => this.s.batch.get(jobId, index) as string | undefined,
      keysFrom: (index) => {
        const keys = new Map<string, number>()
        for (const units of this.s.from.iterate(jobId, index) as Iterable<string>)
          for (const unit of JSON.parse(units) as PackedUnit[]) {
            const key = keyOfUnit(unit)
            keys.set(key, (keys.get(key) ?? 0) + 1)
          }
        return keys
      },
    }
  }
}
