import type { ItemRow } from '../../shared/api-types'
import type { JobSpec } from '../../shared/job-spec'
import type { JobState } from '../../shared/job-state'

/**
 * What the farmer (main process) knows of a kind beyond its shared traits. Only cheap work belongs
 * here: a few `stat` calls to refuse a bad job at once with a clear message. Anything that walks,
 * reads or parses in bulk is done by the kind's plan in a worker.
 */
export interface KindHooks<S extends JobSpec = JobSpec> {
  /** Problems that make the job impossible, as sentences for the person; empty when it can start. */
  check(spec: S): Promise<string[]>
  /** Columns and rows for `jobs.export` (CSV/JSON), when the kind's results are tabular. */
  exportRows?: {
    columns: readonly string[]
    /** The columns of one job, when its spec adds its own (a URL job's extraction rules). */
    columnsFor?(spec: S): readonly string[]
    /** One row; `spec` is the job's, for kinds whose columns depend on it. */
    row(item: ItemRow, spec?: S): Record<string, string | number | boolean | null>
  }
  /**
   * Asked about a running job every tick: whether it must end now, and how (a deadline, too many
   * failures). `kill`: end its runs at once; otherwise the batches in hand finish first.
   */
  stopRule?(spec: S, run: RunFacts): StopVerdict | null
}

export interface RunFacts {
  itemsFailed: number
  /**
   * Time since the job was created in this farm; null for a job resumed from the history, which runs
   * the rest without a deadline.
   */
  elapsedMs: number | null
}

export interface StopVerdict {
  state: Extract<JobState, 'failed' | 'timed-out'>
  reason: string
  kill: boolean
}
