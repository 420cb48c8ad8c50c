import type Database from 'better-sqlite3'
import type { PackedUnit, PlannedBatch } from '../../shared/worker-protocol'
import { keyOfUnit, sizeOfUnit } from '../../shared/packed-unit'

/**
 * A job whose units are each once per key, whoever finds them (a crawl: a page is found by many
 * pages, on several workers, and again by a finder run a second time after a crash). `maxUnits`
 * bounds the job's units in all (`--max-pages`).
 */
export interface OnceRule {
  maxUnits: number
}

/** What `SeenKeys.keep` let through, and what it held back. */
export interface KeptUnits<B extends PlannedBatch = PlannedBatch> {
  batches: B[]
  /** Keys the job already held (or held twice in these batches). */
  seen: number
  /** New keys past the job's `maxUnits`: not stored, not remembered. */
  overLimit: number
}

/**
 * The keys a job holds (`job_seen_keys`, v10), decided by the history and not by a worker's memory:
 * `keep` runs inside the transaction that stores the units, so what it lets through and what it
 * remembers are written together or not at all.
 */
export class SeenKeys {
  private readonly s

  constructor(db: Database.Database) {
    this.s = {
      remember: db.prepare('INSERT OR IGNORE INTO job_seen_keys (job_id, key) VALUES (?, ?)'),
      known: db.prepare('SELECT 1 FROM job_seen_keys WHERE job_id = ? AND key = ?').pluck(),
      units: db.prepare('SELECT items_total FROM jobs WHERE id = ?').pluck(),
    }
  }

  /** The units of `batches` whose keys are new to the job, up to its `maxUnits` in all, each remembered. */
  keep<B extends PlannedBatch>(jobId: number, batches: readonly B[], rule: OnceRule): KeptUnits<B> {
    let room = Math.max(0, rule.maxUnits - ((this.s.units.get(jobId) as number | undefined) ?? 0))
    const kept: B[] = []
    let seen = 0
    let overLimit = 0
    for (const batch of batches) {
      const units: PackedUnit[] = []
      let size = 0
      for (const unit of JSON.parse(batch.units) as PackedUnit[]) {
        if (room === 0) {
          // Past the limit a new key is not remembered: it was never part of the job.
          if (this.s.known.get(jobId, keyOfUnit(unit)) === undefined) overLimit++
          else seen++
          continue
        }
        if (this.s.remember.run(jobId, keyOfUnit(unit)).changes === 0) {
          seen++
          continue
        }
        units.push(unit)
        size += sizeOfUnit(unit)
        room--
      }
      if (units.length === batch.count) kept.push(batch)
      else if (units.length > 0) kept.push({ ...batch, units: JSON.stringify(units), count: units.length, size })
    }
    return { batches: kept, seen, overLimit }
  }
}
