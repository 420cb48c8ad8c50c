import type Database from 'better-sqlite3'
import type { JobState, LogLevel } from '../../shared/job-state'
import { JobQueries } from './job-queries'
import type { PlannedItem, PlanSummary, WorkItem } from '../../shared/worker-protocol'

export interface NewJob {
  kind: string
  title: string
  spec: unknown
  priority: number
  pool: string
  planOnly: boolean
}

/** The final outcome of an item, written in batches by the farm. */
export interface ItemOutcome {
  id: number
  jobId: number
  state: 'done' | 'failed'
  attempts: number
  size: number
  error: string | null
  result: unknown
}

export interface NewLog {
  jobId: number | null
  at: number
  level: LogLevel
  source: string
  message: string
}

/** Rows per INSERT statement when a plan hands over items. */
const INSERT_ROWS = 100

/** The history's writes, prepared once; streams of them are batched by the caller. Reads are in JobQueries. */
export class JobStore extends JobQueries {
  private readonly s
  constructor(db: Database.Database) {
    super(db)
    this.s = {
      insertJob: db.prepare(
        `INSERT INTO jobs (kind, title, spec, state, priority, pool, plan_only, created_at)
         VALUES (@kind, @title, @spec, 'queued', @priority, @pool, @planOnly, @createdAt)`,
      ),
      timelineAdd: db.prepare('INSERT INTO job_timeline (job_id, at, state, note) VALUES (?, ?, ?, ?)'),
      addTotals: db.prepare(
        'UPDATE jobs SET items_total = items_total + ?, bytes_total = bytes_total + ? WHERE id = ?',
      ),
      deleteItems: db.prepare('DELETE FROM items WHERE job_id = ?'),
      resetTotals: db.prepare(
        'UPDATE jobs SET items_total = 0, bytes_total = 0, items_done = 0, items_failed = 0, bytes_done = 0 WHERE id = ?',
      ),
      setPlanned: db.prepare('UPDATE jobs SET planned = 1, notes = ?, facts = ? WHERE id = ?'),
      pending: db.prepare(
        `SELECT id, key, payload, size, attempts FROM items
         WHERE job_id = ? AND state = 'pending' AND id > ? ORDER BY id LIMIT ?`,
      ),
      finishItem: db.prepare('UPDATE items SET state = ?, attempts = ?, error = ?, result = ? WHERE id = ?'),
      finishBare: db.prepare(
        `UPDATE items SET state = 'done', attempts = ?, error = NULL, result = NULL WHERE id IN (SELECT value FROM json_each(?))`,
      ),
      addCounts: db.prepare(
        `UPDATE jobs SET items_done = items_done + ?, items_failed = items_failed + ?, bytes_done = bytes_done + ?
         WHERE id = ?`,
      ),
      resetFailed: db.prepare(
        `UPDATE items SET state = 'pending', attempts = 0, error = NULL, result = NULL WHERE job_id = ? AND state = 'failed'`,
      ),
      recount: db.prepare(
        `UPDATE jobs SET
           items_total = (SELECT count(*) FROM items WHERE job_id = @id),
           bytes_total = (SELECT coalesce(sum(size), 0) FROM items WHERE job_id = @id),
           items_done = (SELECT count(*) FROM items WHERE job_id = @id AND state = 'done'),
           items_failed = (SELECT count(*) FROM items WHERE job_id = @id AND state = 'failed'),
           bytes_done = (SELECT coalesce(sum(size), 0) FROM items WHERE job_id = @id AND state = 'done')
         WHERE id = @id`,
      ),
      remove: db.prepare('DELETE FROM jobs WHERE id = ?'),
      insertLog: db.prepare('INSERT INTO logs (job_id, at, level, source, message) VALUES (?, ?, ?, ?, ?)'),
      byState: db.prepare('SELECT id FROM jobs WHERE state = ? ORDER BY priority DESC, id'),
      setSetting: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    }
  }

  createJob(job: NewJob, at: number): number {
    return this.db.transaction(() => {
      const { lastInsertRowid } = this.s.insertJob.run({
        ...job,
        spec: JSON.stringify(job.spec),
        planOnly: job.planOnly ? 1 : 0,
        createdAt: at,
      })
      const id = Number(lastInsertRowid)
      this.s.timelineAdd.run(id, at, 'queued', 'created')
      return id
    })()
  }

  setPriority(id: number, priority: number): void {
    this.db.prepare('UPDATE jobs SET priority = ? WHERE id = ?').run(priority, id)
  }

  /** Records a state change with its moment in the timeline; `extra` sets the matching columns. */
  setState(
    id: number,
    state: JobState,
    at: number,
    note = '',
    extra: { started?: boolean; finished?: boolean; error?: string | null; errorCode?: string | null } = {},
  ): void {
    const sets = ['state = @state']
    if (extra.started) sets.push('started_at = coalesce(started_at, @at)')
    if (extra.finished !== undefined) sets.push(extra.finished ? 'finished_at = @at' : 'finished_at = NULL')
    if (extra.error !== undefined) sets.push('error = @error, error_code = @errorCode')
    this.db.transaction(() => {
      this.db
        .prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`)
        .run({ id, state, at, error: extra.error ?? null, errorCode: extra.errorCode ?? null })
      this.s.timelineAdd.run(id, at, state, note)
    })()
  }

  insertItems(jobId: number, items: PlannedItem[]): void {
    this.db.transaction(() => {
      let bytes = 0
      // Many rows per statement: one call into SQLite per row was most of the farmer's time in a plan.
      for (let start = 0; start < items.length; start += INSERT_ROWS) {
        const rows = items.slice(start, start + INSERT_ROWS)
        const values: unknown[] = []
        for (const item of rows) {
          values.push(jobId, item.key, JSON.stringify(item.payload ?? null), item.size)
          bytes += item.size
        }
        this.insertRows(rows.length).run(values)
      }
      this.s.addTotals.run(items.length, bytes, jobId)
    })()
  }

  private readonly insertStatements = new Map<number, Database.Statement>()
  private insertRows(count: number): Database.Statement {
    let statement = this.insertStatements.get(count)
    if (!statement) {
      const rows = Array.from({ length: count }, () => '(?, ?, ?, ?)').join(', ')
      statement = this.db.prepare(`INSERT INTO items (job_id, key, payload, size) VALUES ${rows}`)
      this.insertStatements.set(count, statement)
    }
    return statement
  }

  /** Forgets a half-made plan, so planning can start again from nothing. */
  clearPlan(jobId: number): void {
    this.db.transaction(() => {
      this.s.deleteItems.run(jobId)
      this.s.resetTotals.run(jobId)
    })()
  }

  setPlanned(jobId: number, summary: PlanSummary): void {
    this.s.setPlanned.run(JSON.stringify(summary.notes), JSON.stringify(summary.facts), jobId)
  }

  pendingItems(jobId: number, afterId: number, limit: number): WorkItem[] {
    const rows = this.s.pending.all(jobId, afterId, limit) as {
      id: number
      key: string
      payload: string
      size: number
      attempts: number
    }[]
    return rows.map((row) => ({
      id: row.id,
      key: row.key,
      payload: JSON.parse(row.payload),
      size: row.size,
      attempt: row.attempts + 1,
    }))
  }

  /** Writes a batch of item outcomes and logs in one transaction, with the jobs' counters. */
  writeBatch(outcomes: ItemOutcome[], logs: NewLog[]): number[] {
    return this.db.transaction(() => {
      const counts = new Map<number, { done: number; failed: number; bytes: number }>()
      // Successes without a result (a plain copy) are written one statement per attempt count.
      const bare = new Map<number, number[]>()
      for (const o of outcomes) {
        if (o.state === 'done' && (o.result === null || o.result === undefined)) {
          const ids = bare.get(o.attempts) ?? []
          ids.push(o.id)
          bare.set(o.attempts, ids)
        } else {
          this.s.finishItem.run(
            o.state,
            o.attempts,
            o.error,
            o.result === undefined ? null : JSON.stringify(o.result),
            o.id,
          )
        }
        const c = counts.get(o.jobId) ?? { done: 0, failed: 0, bytes: 0 }
        if (o.state === 'done') {
          c.done++
          c.bytes += o.size
        } else c.failed++
        counts.set(o.jobId, c)
      }
      for (const [attempts, ids] of bare) this.s.finishBare.run(attempts, JSON.stringify(ids))
      for (const [jobId, c] of counts) this.s.addCounts.run(c.done, c.failed, c.bytes, jobId)
      return logs.map((l) => Number(this.s.insertLog.run(l.jobId, l.at, l.level, l.source, l.message).lastInsertRowid))
    })()
  }

  /** Puts a job's failed items back in the queue; returns how many. */
  resetFailedItems(jobId: number): number {
    return this.db.transaction(() => {
      const { changes } = this.s.resetFailed.run(jobId)
      this.s.recount.run({ id: jobId })
      return changes
    })()
  }

  /** Recomputes a job's counters from its items (after a crash, the items are the truth). */
  recount(jobId: number): void {
    this.s.recount.run({ id: jobId })
  }

  removeJob(id: number): void {
    this.s.remove.run(id)
  }

  jobIdsInState(state: JobState): number[] {
    return (this.s.byState.all(state) as { id: number }[]).map((r) => r.id)
  }

  setSetting(key: string, value: unknown): void {
    this.s.setSetting.run(key, JSON.stringify(value))
  }
}

export type { JobListQuery, JobRow } from './job-queries'
