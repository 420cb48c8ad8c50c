import type Database from 'better-sqlite3'
import type { JobLink } from '../../shared/api-types'
import type { JobState } from '../../shared/job-state'
import type { JobRow } from './job-queries'

/** A job this one follows: its id, whether it must complete without errors (`--after-ok`). */
export interface AfterJob {
  jobId: number
  ok: boolean
}

/** The jobs a row follows, decoded from its `after_json` column (job-queries.ts). */
export function afterLinks(row: Pick<JobRow, 'after_json'>): JobLink[] {
  if (!row.after_json) return []
  const links = JSON.parse(row.after_json) as [number, number, JobState | null][]
  return links.map(([jobId, ok, state]) => ({ jobId, ok: ok === 1, state })).sort((a, b) => a.jobId - b.jobId)
}

/**
 * Which jobs follow which (`job_after`, schema v5): written when a job is made to wait, read when a
 * job ends (its waiting followers), when a farm opens (every waiting job) and by the views.
 */
export class JobLinks {
  private readonly s

  constructor(private readonly db: Database.Database) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO job_after (job_id, after_id, ok_only) VALUES (?, ?, ?)
         ON CONFLICT (job_id, after_id) DO UPDATE SET ok_only = max(ok_only, excluded.ok_only)`,
      ),
      waiting: db.prepare(`SELECT id FROM jobs WHERE state = 'waiting' ORDER BY id`).pluck(),
      // Every job the given one follows, however far back: a cycle is the job finding itself there.
      upstream: db.prepare(
        `WITH RECURSIVE up(id) AS (
           SELECT after_id FROM job_after WHERE job_id = @id
           UNION SELECT a.after_id FROM job_after a JOIN up ON a.job_id = up.id)
         SELECT 1 FROM up WHERE id = @id LIMIT 1`,
      ),
    }
  }

  /** Records that `jobId` follows `after`; false (and nothing recorded) when that would make a cycle. */
  add(jobId: number, after: AfterJob[]): boolean {
    try {
      this.db.transaction(() => {
        for (const a of after) this.s.insert.run(jobId, a.jobId, a.ok ? 1 : 0)
        // Thrown inside the transaction so SQLite rolls the rows back.
        if (this.s.upstream.get({ id: jobId })) throw new CycleFound()
      })()
      return true
    } catch (error) {
      if (error instanceof CycleFound) return false
      throw error
    }
  }

  waitingJobs(): number[] {
    return this.s.waiting.all() as number[]
  }
}

class CycleFound extends Error {}
