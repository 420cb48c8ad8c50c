import Database from 'better-sqlite3'
import type { JobState } from '../../src/shared/job-state'
import { keyOfUnit } from '../../src/shared/packed-unit'
import type { PackedUnit } from '../../src/shared/worker-protocol'

export interface TimelineEntry {
  at: number
  state: JobState
  note: string
}

export interface JobRow {
  state: JobState
  items_done: number
  items_failed: number
}

/** Unit marks of a job by unit key: `d` done, `f` failed, `-` pending (src/core/store/unit-rows.ts). */
export type Marks = Map<string, string>

/**
 * The history as another process sees it (read-only, beside the owner that writes it): what the
 * model compares with what it expects after every step.
 */
export class HistoryReader {
  private readonly db: Database.Database

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true })
    this.db.pragma('busy_timeout = 5000')
  }

  job(id: number): JobRow | undefined {
    return this.db.prepare('SELECT state, items_done, items_failed FROM jobs WHERE id = ?').get(id) as
      JobRow | undefined
  }

  timeline(id: number): TimelineEntry[] {
    return this.db
      .prepare('SELECT at, state, note FROM job_timeline WHERE job_id = ? ORDER BY rowid')
      .all(id) as TimelineEntry[]
  }

  /**
   * The job's row and its timeline as of one moment: read apart, a state written between the two reads
   * (the farm writes both in one transaction) looked like a row and a timeline that disagree.
   */
  jobAndTimeline(id: number): { row: JobRow | undefined; timeline: TimelineEntry[] } {
    return this.db.transaction(() => ({ row: this.job(id), timeline: this.timeline(id) }))()
  }

  marks(id: number): Marks {
    const rows = this.db.prepare('SELECT units, marks FROM items WHERE job_id = ? ORDER BY id').all(id) as {
      units: string
      marks: string
    }[]
    const marks: Marks = new Map()
    for (const row of rows) {
      const units = JSON.parse(row.units) as PackedUnit[]
      units.forEach((unit, i) => marks.set(keyOfUnit(unit), row.marks[i] ?? '?'))
    }
    return marks
  }

  /** The counters the jobs row keeps, against the counts of its units' marks. */
  countersAndMarks(id: number): {
    counters: { done: number; failed: number }
    marks: { done: number; failed: number }
  } {
    // One moment, as above: the counters and the marks are written in one transaction too.
    const { row, marks } = this.db.transaction(() => ({ row: this.job(id)!, marks: this.marks(id) }))()
    let done = 0
    let failed = 0
    for (const mark of marks.values()) {
      if (mark === 'd') done++
      if (mark === 'f') failed++
    }
    return { counters: { done: row.items_done, failed: row.items_failed }, marks: { done, failed } }
  }

  integrity(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
  }

  close(): void {
    this.db.close()
  }
}
