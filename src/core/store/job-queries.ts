import type Database from 'better-sqlite3'
import type { ItemRow, JobLink, LogEntry } from '../../shared/api-types'
import { jobSpecSchemaFor, type JobSpec } from '../../shared/job-spec'
import { logLevels, type ItemState, type JobState, type LogLevel } from '../../shared/job-state'
import { likePattern, UnitRows, type DoneResults } from './unit-rows'

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
  /** Batches of its plan stored so far (v11): a plan run again passes over that many. */
  plan_batches?: number
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
  /** When a cancel was accepted that has not ended the job yet (null: none is owed). */
  cancel_asked_at: number | null
  /** What the job does when it ends (JSON of `JobEndActions`, v6); null: nothing. */
  then_actions?: string | null
  /** Its own --memfree in bytes (null: the farm's setting). */
  memfree?: number | null
  notes: string
  facts: string
  /** The jobs it follows, as JSON `[after_id, ok_only, their state][]` (job-chains.ts decodes it). */
  after_json?: string
}

/**
 * A job's columns and the jobs it follows with their states (one small indexed read per row); a
 * history older than v5, read without migrating it (a read-only view), has none.
 */
function jobColumns(db: Database.Database): string {
  return hasLinks(db)
    ? `jobs.*, (SELECT json_group_array(json_array(a.after_id, a.ok_only, (SELECT p.state FROM jobs p WHERE p.id = a.after_id)))
         FROM job_after a WHERE a.job_id = jobs.id) AS after_json`
    : 'jobs.*'
}

const hasLinks = (db: Database.Database): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'job_after'").get() !== undefined

/** A job's spec as stored, read back through its schema: the one place stored specs are decoded. */
export function storedSpec(row: Pick<JobRow, 'spec'>): JobSpec {
  const spec: unknown = JSON.parse(row.spec)
  return jobSpecSchemaFor(spec).parse(spec)
}

export interface JobListQuery {
  states?: JobState[]
  kind?: string
  text?: string
  limit: number
  offset: number
}

/** Reads of the history: all a read-only view (the CLI's jobs, show, logs) needs while a farm writes. */
export class JobQueries {
  private readonly jobStatement
  private readonly timelineStatement
  private readonly settingStatement
  private readonly units: UnitRows

  constructor(readonly db: Database.Database) {
    this.jobStatement = db.prepare(`SELECT ${jobColumns(db)} FROM jobs WHERE id = ?`)
    this.timelineStatement = db.prepare('SELECT at, state, note FROM job_timeline WHERE job_id = ? ORDER BY at, rowid')
    this.settingStatement = db.prepare('SELECT value FROM settings WHERE key = ?')
    this.units = new UnitRows(db)
  }

  job(id: number): JobRow | undefined {
    return this.jobStatement.get(id) as JobRow | undefined
  }

  /** The jobs that follow this one (`--after` it), with their states now. */
  followers(afterId: number): JobLink[] {
    if (!hasLinks(this.db)) return []
    const rows = this.db
      .prepare(
        `SELECT a.job_id AS jobId, a.ok_only AS ok, j.state FROM job_after a JOIN jobs j ON j.id = a.job_id
         WHERE a.after_id = ? ORDER BY a.job_id`,
      )
      .all(afterId) as { jobId: number; ok: number; state: JobState }[]
    return rows.map((r) => ({ jobId: r.jobId, ok: r.ok === 1, state: r.state }))
  }

  timeline(id: number): { at: number; state: JobState; note: string }[] {
    return this.timelineStatement.all(id) as { at: number; state: JobState; note: string }[]
  }

  setting(key: string): unknown {
    const row = this.settingStatement.get(key) as { value: string } | undefined
    return row ? JSON.parse(row.value) : undefined
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
    const rows = this.db
      .prepare(`SELECT ${jobColumns(this.db)} FROM jobs ${clause} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
      .all(params) as JobRow[]
    const { total } = this.db.prepare(`SELECT count(*) AS total FROM jobs ${clause}`).get(params) as { total: number }
    return { rows, total }
  }

  /** Every unit of a job with its state, filtered and paged (the UI's files and results tables). */
  items(
    jobId: number,
    q: { state?: ItemState; text?: string; limit: number; offset: number },
  ): { items: ItemRow[]; total: number } {
    return this.units.page(jobId, q)
  }

  /** Units by id order after `afterId`: paging that stays fast however deep it goes (exports). */
  itemsAfter(jobId: number, afterId: number, limit: number): ItemRow[] {
    return this.units.after(jobId, afterId, limit)
  }

  /** Every unit's id and state in unit order (see `UnitRows.states`). */
  unitStates(jobId: number): Iterable<{ id: number; state: ItemState }> {
    return this.units.states(jobId)
  }

  /** The results of a job's done units in unit order, as JSON lines (see `UnitRows.doneResultsFrom`). */
  doneResultsFrom(jobId: number, fromItem: number, limit: number, ended: boolean): DoneResults {
    return this.units.doneResultsFrom(jobId, fromItem, limit, ended)
  }

  /** Log lines in order; with `tail`, the last `limit` of them (what a log view opens on). */
  logs(q: {
    jobId: number | null
    afterId: number
    minLevel: LogLevel
    text?: string
    limit: number
    tail?: boolean
  }): LogEntry[] {
    const levels = logLevels.slice(logLevels.indexOf(q.minLevel))
    const where = [
      q.jobId === null ? '1 = 1' : 'job_id = @jobId',
      'id > @afterId',
      `level IN (${levels.map((l) => `'${l}'`).join(', ')})`,
    ]
    const params: Record<string, unknown> = { jobId: q.jobId, afterId: q.afterId, limit: q.limit }
    if (q.text) {
      where.push(`message LIKE @text ESCAPE '\\'`)
      params.text = likePattern(q.text)
    }
    const rows = this.db
      .prepare(
        `SELECT id, job_id AS jobId, at, level, source, message FROM logs WHERE ${where.join(' AND ')}
         ORDER BY id ${q.tail ? 'DESC' : ''} LIMIT @limit`,
      )
      .all(params)
    if (q.tail) rows.reverse()
    return rows as LogEntry[]
  }
}
