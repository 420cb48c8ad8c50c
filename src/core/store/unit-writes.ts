import type { LogLevel } from '../../shared/job-state'
import type { PlannedBatch } from '../../shared/worker-protocol'
import type { OnceRule } from './seen-keys'

// What one write of the history carries (`JobStore.writeBatch`): marks, outcomes, counters, logs, found units.

/** An item whose units' marks (and maybe results) changed since the last write. */
export interface ItemMarks {
  id: number
  marks: string
  /** The JSON array of its units' results (null where a unit has none); null when none has one. */
  results: string | null
  /** Every unit has an outcome: the item leaves the queue. */
  settled: boolean
}

/** A unit with something to say beside "done" and its result: an error, a retry. */
export interface UnitOutcome {
  itemId: number
  unit: number
  attempts: number
  error: string | null
  code: string | null
}

/** What a write adds to a job's counters. */
export interface JobCounts {
  done: number
  failed: number
  bytes: number
}

export interface NewLog {
  jobId: number | null
  at: number
  level: LogLevel
  source: string
  message: string
}

/** Units found by a settled unit, to store with its mark; `once`: each key once per job (a crawl). */
export interface FoundWrite {
  jobId: number
  batches: readonly PlannedBatch[]
  once?: OnceRule
  /** Filled by the write that stored them. */
  stored?: StoredUnits
}

/** What a write added to a job: units and bytes stored, and keys held back by its `OnceRule`. */
export interface StoredUnits {
  units: number
  bytes: number
  seen: number
  overLimit: number
}
