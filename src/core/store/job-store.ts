import type Database from 'better-sqlite3'
import type { ItemRow, LogEntry } from '../../shared/api-types'
import type { JobState, ItemState, LogLevel } from '../../shared/job-state'
import { logLevels } from '../../shared/job-state'
import type { PlannedItem, PlanSummary, WorkItem } from '../../shared/worker-protocol'

export interface JobRow {
  id: number
  kind: string
  title: string
  spec: string
  state: JobState
  priority: number
  pool: string
  plan_only: number
  planned: number
  created_at: number
  started_at: number | null
  finished_at: number | null
  items_total: number
  items_done: number
  items_failed: number
  bytes_total: number
  bytes_done: number
  error: string | null
  error_code: string | null
  notes: string
  facts: string
}

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

export interface JobListQuery {
  states?: JobState[]
  kind?: string
  text?: string
  limit: number
  offset: number
}

/** Rows per INSERT statement when a plan hands over items. */
const INSERT_ROWS = 100

/** Every SQL statement of the history, prepared once. Writes that come in streams are batched by the caller. */
export class JobStore {
  private readonly s
  constructor(readonly db: Database.Database) {
    this.s = {
      insertJob: db.prepare(
        `INSERT INTO jobs (kind, title, spec, state, priority, pool, plan_only, created_at)
         VALUES (@kind, @title, @spec, 'queued', @priority, @pool, @planOnly, @createdAt)`,
      ),
      job: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      timelineAdd: db.prepare('INSERT INTO job_timeline (job_id, at, state, note) VALUES (?, ?, ?, ?)'),
      timeline: db.prepare('SELECT at, state, note FROM job_timeline WHERE job_id = ? ORDER BY at, rowid'),
      addTotals: db.prepare('UPDATE jobs SET items_total = items_total + ?, bytes_total = bytes_total + ? WHERE id = ?'),
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
      itemsAfter: db.prepare('SELECT id, key, state, attempts, size, error, result FROM items WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?'),
      insertLog: db.prepare('INSERT INTO logs (job_id, at, level, source, message) VALUES (?, ?, ?, ?, ?)'),
      byState: db.prepare('SELECT id FROM jobs WHERE state = ? ORDER BY priority DESC, id'),
      setting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
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

  job(id: number): JobRow | undefined {
    return this.s.job.get(id) as JobRow | undefined
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
      this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run({ id, state, at, error: extra.error ?? null, errorCode: extra.errorCode ?? null })
      this.s.timelineAdd.run(id, at, state, note)
    })()
  }

  timeline(id: number): { at: number; state: JobState; note: string }[] {
    return this.s.timeline.all(id) as { at: number; state: JobState; note: string }[]
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
    const rows = this.s.pending.all(jobId, afterId, limit) as { id: number; key: string; payload: string; size: number; attempts: number }[]
    return rows.map((row) => ({ id: row.id, key: row.key, payload: JSON.parse(row.payload), size: row.size, attempt: row.attempts + 1 }))
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
          this.s.finishItem.run(o.state, o.attempts, o.error, o.result === undefined ? null : JSON.stringify(o.result), o.id)
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

  listJobs(q: JobListQuery): { rows: JobRow[]; total: number } {
    const where: string[] = []
    const params: Record<string, unknown> = { limit: q.limit, offset: q.offset }
    if (q.states?.length) {
      where.push(`state IN (${q.states.map((_, i) => `@s${i}`).join(', ')})`)
      q.states.forEach((s, i) => (params[`s${i}`] = s))
    }
    if (q.kind) {
      where.push('kind = @kind')
      params.kind = q.kind
    }
    if (q.text) {
      where.push(`(title LIKE @text ESCAPE '\\' OR spec LIKE @text ESCAPE '\\' OR CAST(id AS TEXT) = @exact)`)
      params.text = likePattern(q.text)
      params.exact = q.text.trim()
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
    const rows = this.db.prepare(`SELECT * FROM jobs ${clause} ORDER BY id DESC LIMIT @limit OFFSET @offset`).all(params) as JobRow[]
    const { total } = this.db.prepare(`SELECT count(*) AS total FROM jobs ${clause}`).get(params) as { total: number }
    return { rows, total }
  }

  items(jobId: number, q: { state?: ItemState; text?: string; limit: number; offset: number }): { items: ItemRow[]; total: number } {
    const where = ['job_id = @jobId']
    const params: Record<string, unknown> = { jobId, limit: q.limit, offset: q.offset }
    if (q.state) {
      where.push('state = @state')
      params.state = q.state
    }
    if (q.text) {
      where.push(`(key LIKE @text ESCAPE '\\' OR error LIKE @text ESCAPE '\\')`)
      params.text = likePattern(q.text)
    }
    const clause = where.join(' AND ')
    const rows = this.db
      .prepare(`SELECT id, key, state, attempts, size, error, result FROM items WHERE ${clause} ORDER BY id LIMIT @limit OFFSET @offset`)
      .all(params) as (Omit<ItemRow, 'result'> & { result: string | null })[]
    const { total } = this.db.prepare(`SELECT count(*) AS total FROM items WHERE ${clause}`).get(params) as { total: number }
    return { items: rows.map((r) => ({ ...r, result: r.result === null ? null : JSON.parse(r.result) })), total }
  }

  /** Items by id order after `afterId`: paging that stays fast however deep it goes (exports). */
  itemsAfter(jobId: number, afterId: number, limit: number): ItemRow[] {
    const rows = this.s.itemsAfter.all(jobId, afterId, limit) as (Omit<ItemRow, 'result'> & { result: string | null })[]
    return rows.map((r) => ({ ...r, result: r.result === null ? null : JSON.parse(r.result) }))
  }

  logs(q: { jobId: number | null; afterId: number; minLevel: LogLevel; text?: string; limit: number }): LogEntry[] {
    const levels = logLevels.slice(logLevels.indexOf(q.minLevel))
    const where = [q.jobId === null ? '1 = 1' : 'job_id = @jobId', 'id > @afterId', `level IN (${levels.map((l) => `'${l}'`).join(', ')})`]
    const params: Record<string, unknown> = { jobId: q.jobId, afterId: q.afterId, limit: q.limit }
    if (q.text) {
      where.push(`message LIKE @text ESCAPE '\\'`)
      params.text = likePattern(q.text)
    }
    const rows = this.db
      .prepare(`SELECT id, job_id AS jobId, at, level, source, message FROM logs WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`)
      .all(params)
    return rows as LogEntry[]
  }

  setting(key: string): unknown {
    const row = this.s.setting.get(key) as { value: string } | undefined
    return row ? JSON.parse(row.value) : undefined
  }

  setSetting(key: string, value: unknown): void {
    this.s.setSetting.run(key, JSON.stringify(value))
  }
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}
