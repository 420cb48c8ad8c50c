import type Database from 'better-sqlite3'
import { jobStates, type JobState } from '../../shared/job-state'
import {
  groupOrder,
  responseTimeEdges,
  type BreakdownSlice,
  type HistoryStats,
  type JobRun,
  type JobStats,
} from '../../shared/job-stats'
import { unitStatesAndResultsSql } from './unit-rows'

/**
 * Every read the window's charts make of the history, in one place and read-only, so that a change
 * of how items are stored is a change of this file only. Each query is one pass in SQLite: a
 * 50,000-item job is aggregated without a row reaching JavaScript. The groups must match
 * `itemGroup` in `src/shared/job-stats.ts` (a test holds them together).
 */

// The group of a unit, as `itemGroup` says it, per kind (units come packed in items: see unit-rows.ts).
const groupSql: Record<string, string> = {
  urls: `CASE
      WHEN state IN ('pending', 'failed') THEN state
      WHEN json_extract(result, '$.status') BETWEEN 200 AND 599
        THEN CAST(json_extract(result, '$.status') / 100 AS INTEGER) || 'xx'
      WHEN json_extract(result, '$.status') IS NOT NULL THEN 'other'
      ELSE coalesce(json_extract(result, '$.errorClass'), 'other')
    END`,
  copy: `CASE
      WHEN state IN ('pending', 'failed') THEN state
      WHEN json_extract(result, '$.renamedTo') IS NOT NULL THEN 'renamed'
      ELSE 'copied'
    END`,
}
const otherKinds = `CASE WHEN state IN ('pending', 'failed') THEN state ELSE 'done' END`

// The response-time bucket of a done URL row (an index into `responseTimes`), null for other rows.
const bucketSql = `CASE WHEN state = 'done' AND json_extract(result, '$.totalMs') IS NOT NULL THEN CASE
  ${responseTimeEdges.map((edge, i) => `WHEN json_extract(result, '$.totalMs') < ${edge} THEN ${i}`).join('\n  ')}
  ELSE ${responseTimeEdges.length} END END`

const dayMs = 86_400_000

// Files a copy job copied: its items count folders and links too, its plan's facts count files. A dry
// run copied none; a finished job copied its planned files but the failed; a running one, at most those.
const filesCopiedSql = `CASE
    WHEN plan_only = 1 THEN 0
    WHEN json_extract(facts, '$.files') IS NULL THEN items_done
    WHEN state IN ('completed', 'completed-with-errors') THEN max(0, json_extract(facts, '$.files') - items_failed)
    ELSE min(items_done, json_extract(facts, '$.files'))
  END`

export class JobStatsQueries {
  constructor(private readonly db: Database.Database) {}

  /** What a job's items came to, for its breakdown bar and (URL jobs) its response-time histogram. */
  job(jobId: number): JobStats | undefined {
    const job = this.db.prepare('SELECT kind, facts FROM jobs WHERE id = ?').get(jobId) as
      { kind: string; facts: string } | undefined
    if (!job) return undefined
    const rows = this.db
      .prepare(
        `SELECT grp, bucket, count(*) AS n FROM (
           SELECT ${groupSql[job.kind] ?? otherKinds} AS grp, ${job.kind === 'urls' ? bucketSql : 'NULL'} AS bucket
           FROM (${unitStatesAndResultsSql})
         ) GROUP BY grp, bucket`,
      )
      .all(jobId) as { grp: string; bucket: number | null; n: number }[]
    const counts = new Map<string, number>()
    const responseTimes = job.kind === 'urls' ? new Array<number>(responseTimeEdges.length + 1).fill(0) : []
    for (const { grp, bucket, n } of rows) {
      counts.set(grp, (counts.get(grp) ?? 0) + n)
      if (bucket !== null) responseTimes[bucket]! += n
    }
    const breakdown: BreakdownSlice[] = [...counts].map(([group, count]) => ({ group, count, rows: true }))
    // Files skipped at plan time never became items: the plan's facts count them.
    const skipped = job.kind === 'copy' ? Number((JSON.parse(job.facts) as { skipped?: number }).skipped ?? 0) : 0
    if (skipped > 0) breakdown.push({ group: 'skipped', count: skipped, rows: false })
    return { breakdown: breakdown.sort(bySliceOrder), responseTimes, ran: this.ran(jobId) }
  }

  /** The job's running spans, read from its timeline, and the items (done or failed) and bytes it did. */
  private ran(jobId: number): JobRun {
    const timeline = this.db
      .prepare('SELECT at, state FROM job_timeline WHERE job_id = ? ORDER BY at, rowid')
      .all(jobId) as { at: number; state: string }[]
    const spans: JobRun['spans'] = []
    for (const { at, state } of timeline) {
      const open = spans.at(-1)?.to === null ? spans.at(-1) : undefined
      if (state === 'running' && !open) spans.push({ from: at, to: null })
      else if (state !== 'running' && open) open.to = at
    }
    const done = this.db
      .prepare('SELECT items_done + items_failed AS items, bytes_done AS bytes FROM jobs WHERE id = ?')
      .get(jobId) as { items: number; bytes: number }
    return { spans, ...done }
  }

  /** Jobs per day by state over the last `days` days (local time), and totals over the whole history. */
  history(days: number, now = Date.now()): HistoryStats {
    const first = startOfDay(now - (days - 1) * dayMs)
    const perDay = this.db
      .prepare(
        `SELECT date(created_at / 1000, 'unixepoch', 'localtime') AS day, state, count(*) AS n
         FROM jobs WHERE created_at >= ? GROUP BY day, state`,
      )
      .all(first) as { day: string; state: JobState; n: number }[]
    const byDay = new Map<string, Record<JobState, number>>()
    for (let at = first + dayMs / 2; at <= now; at += dayMs) byDay.set(localDay(at), emptyCounts())
    for (const { day, state, n } of perDay) (byDay.get(day) ?? byDay.set(day, emptyCounts()).get(day)!)[state] += n
    const totals = this.db
      .prepare(
        `SELECT count(*) AS jobs,
           coalesce(sum(CASE WHEN kind = 'copy' THEN ${filesCopiedSql} END), 0) AS filesCopied,
           coalesce(sum(CASE WHEN kind = 'copy' THEN bytes_done END), 0) AS bytesCopied,
           coalesce(sum(CASE WHEN kind = 'urls' THEN items_done END), 0) AS urlsAnalysed
         FROM jobs`,
      )
      .get() as HistoryStats['totals']
    return { days: [...byDay].map(([day, counts]) => ({ day, counts })), totals }
  }
}

const emptyCounts = (): Record<JobState, number> =>
  Object.fromEntries(jobStates.map((s) => [s, 0])) as Record<JobState, number>

function bySliceOrder(a: BreakdownSlice, b: BreakdownSlice): number {
  // Error classes go just before failed items.
  const rank = (group: string): number =>
    groupOrder.includes(group) ? groupOrder.indexOf(group) : groupOrder.indexOf('failed') - 0.5
  return rank(a.group) - rank(b.group) || b.count - a.count
}

function startOfDay(at: number): number {
  const date = new Date(at)
  date.setHours(0, 0, 0, 0)
  return date.getTime()
}

/** `YYYY-MM-DD` in local time, as SQLite's `date(…, 'localtime')` writes it. */
function localDay(at: number): string {
  const d = new Date(at)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}
