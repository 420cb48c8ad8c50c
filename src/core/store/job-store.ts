import type Database from 'better-sqlite3'
import { isFinished, type JobState } from '../../shared/job-state'
import { JobQueries } from './job-queries'
import type { PlannedBatch, PlanSummary, UnitRole } from '../../shared/worker-protocol'
import { MARK } from './unit-rows'
import { eachUnitSize } from './packed-unit-sql'
import { SeenKeys, type OnceRule } from './seen-keys'
import { StoredPlans } from './stored-plan'
import type { FoundWrite, ItemMarks, JobCounts, NewLog, StoredUnits, UnitOutcome } from './unit-writes'

export type { FoundWrite, ItemMarks, JobCounts, NewLog, StoredUnits, UnitOutcome } from './unit-writes'

export interface NewJob {
  kind: string
  title: string
  spec: unknown
  priority: number
  pool: string
  planOnly: boolean
  /** Its own --memfree in bytes; null: the farm's setting. */
  memfree?: number | null
}

/** An item read back to be run: its units stay in the history until someone needs them. */
export interface PendingItem {
  id: number
  count: number
  size: number
  marks: string
  results: string | null
}

/** A batch to store; a plan's carries its number in the plan (`items.plan_batch`, v12), a found one none. */
type NumberedBatch = PlannedBatch & { planBatch?: number }

/** `items.role` (v8) for each `UnitRole`; 0: an ordinary unit. */
const ROLE = { finds: 1, last: 2 } as const satisfies Record<UnitRole, number>

/** Rows per INSERT statement when outcomes are written. */
const INSERT_ROWS = 100

/** The history's writes, prepared once; streams of them are batched by the caller. Reads are in JobQueries. */
export class JobStore extends JobQueries {
  private readonly s
  private readonly seenKeys
  /** The stored batches of jobs' plans, for a plan run again. */
  readonly plans: StoredPlans
  constructor(db: Database.Database) {
    super(db)
    this.seenKeys = new SeenKeys(db)
    this.plans = new StoredPlans(db)
    this.s = {
      insertJob: db.prepare(
        `INSERT INTO jobs (kind, title, spec, state, priority, pool, plan_only, memfree, created_at)
         VALUES (@kind, @title, @spec, 'queued', @priority, @pool, @planOnly, @memfree, @createdAt)`,
      ),
      timelineAdd: db.prepare('INSERT INTO job_timeline (job_id, at, state, note) VALUES (?, ?, ?, ?)'),
      addTotals: db.prepare(
        'UPDATE jobs SET items_total = items_total + ?, bytes_total = bytes_total + ? WHERE id = ?',
      ),
      countPlanned: db.prepare('UPDATE jobs SET plan_batches = plan_batches + ? WHERE id = ?'),
      setPlanned: db.prepare('UPDATE jobs SET planned = 1, notes = ?, facts = ? WHERE id = ?'),
      insertItem: db.prepare(
        'INSERT INTO items (job_id, units, count, size, marks, role, plan_batch) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      planBatches: db.prepare('SELECT plan_batches FROM jobs WHERE id = ?').pluck(),
      pending: db.prepare(
        `SELECT id, count, size, marks, results FROM items WHERE job_id = ? AND state = 'pending' AND id > ? AND role <> ${ROLE.last} ORDER BY id LIMIT ?`,
      ),
      pendingLast: db.prepare(
        `SELECT id, count, size, marks, results FROM items WHERE job_id = ? AND state = 'pending' AND id > ? AND role = ${ROLE.last} ORDER BY id LIMIT ?`,
      ),
      redoLast: db.prepare(
        `UPDATE items SET marks = replace(marks, '${MARK.done}', '${MARK.pending}'), state = 'pending'
         WHERE job_id = ? AND role = ${ROLE.last} AND instr(marks, '${MARK.done}') > 0`,
      ),
      finding: db
        .prepare(`SELECT 1 FROM items WHERE job_id = ? AND state = 'pending' AND role = ${ROLE.finds} LIMIT 1`)
        .pluck(),
      unitsOf: db.prepare('SELECT units FROM items WHERE id = ?').pluck(),
      setMarks: db.prepare('UPDATE items SET marks = ?, results = coalesce(?, results), state = ? WHERE id = ?'),
      withFailed: db.prepare(`SELECT id, marks FROM items WHERE job_id = ? AND instr(marks, '${MARK.failed}') > 0`),
      // A retried unit keeps its count: its tries so far, plus the one the retry makes (see insertOutcomes).
      carryAttempts: db.prepare(
        'UPDATE unit_outcomes SET error = NULL, code = NULL, attempts = attempts + 1 WHERE item_id = ? AND error IS NOT NULL',
      ),
      addCounts: db.prepare(
        `UPDATE jobs SET items_done = items_done + ?, items_failed = items_failed + ?, bytes_done = bytes_done + ?
         WHERE id = ?`,
      ),
      // Counts of a mark in a string by length difference; bytes of done units from the packed sizes,
      // unpacked only for items that are not wholly done.
      recount: db.prepare(
        `UPDATE jobs SET
           items_total = (SELECT coalesce(sum(count), 0) FROM items WHERE job_id = @id),
           bytes_total = (SELECT coalesce(sum(size), 0) FROM items WHERE job_id = @id),
           items_done = (SELECT coalesce(sum(length(marks) - length(replace(marks, 'd', ''))), 0) FROM items WHERE job_id = @id),
           items_failed = (SELECT coalesce(sum(length(marks) - length(replace(marks, 'f', ''))), 0) FROM items WHERE job_id = @id),
           bytes_done = (SELECT coalesce(sum(CASE WHEN marks NOT GLOB '*[^d]*' THEN size ELSE
               (SELECT coalesce(sum(${eachUnitSize('je')}), 0) FROM json_each(items.units) je
                WHERE substr(items.marks, je.key + 1, 1) = 'd') END), 0) FROM items WHERE job_id = @id)
         WHERE id = @id`,
      ),
      remove: db.prepare('DELETE FROM jobs WHERE id = ?'),
      insertLog: db.prepare('INSERT INTO logs (job_id, at, level, source, message) VALUES (?, ?, ?, ?, ?)'),
      byState: db.prepare('SELECT id FROM jobs WHERE state = ? ORDER BY priority DESC, id'),
      waitingByPool: db.prepare(`SELECT pool, count(*) AS n FROM jobs WHERE state = 'waiting' GROUP BY pool`),
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
        memfree: job.memfree ?? null,
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
    // A finished job owes no cancel any more (a stop as interrupted keeps it: the next open finishes it).
    if (isFinished(state)) sets.push('cancel_asked_at = NULL')
    this.db.transaction(() => {
      this.db
        .prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`)
        .run({ id, state, at, error: extra.error ?? null, errorCode: extra.errorCode ?? null })
      this.s.timelineAdd.run(id, at, state, note)
    })()
  }

  /**
   * Stores batches of a job's plan, each a packed run of units, all pending; counted (`plan_batches`)
   * and numbered (`items.plan_batch`) so that a plan run again passes over them. `once`: see `OnceRule`.
   */
  insertPlanned(jobId: number, batches: readonly PlannedBatch[], once?: OnceRule): StoredUnits {
    return this.db.transaction(() => {
      const first = this.s.planBatches.get(jobId) as number
      this.s.countPlanned.run(batches.length, jobId)
      return this.addItems(
        jobId,
        batches.map((batch, i) => ({ ...batch, planBatch: first + i })),
        once,
      )
    })()
  }

  private addItems(jobId: number, given: readonly NumberedBatch[], once?: OnceRule): StoredUnits {
    const kept = once ? this.seenKeys.keep(jobId, given, once) : { batches: given, seen: 0, overLimit: 0 }
    const { batches, seen, overLimit } = kept
    let units = 0
    let bytes = 0
    for (const { units: packed, count, size, role, planBatch } of batches) {
      const marks = MARK.pending.repeat(count)
      this.s.insertItem.run(jobId, packed, count, size, marks, role ? ROLE[role] : 0, planBatch ?? null)
      units += count
      bytes += size
    }
    this.s.addTotals.run(units, bytes, jobId)
    return { units, bytes, seen, overLimit }
  }

  private readonly insertStatements = new Map<number, Database.Statement>()
  private insertOutcomes(count: number): Database.Statement {
    let statement = this.insertStatements.get(count)
    if (!statement) {
      const rows = Array.from({ length: count }, () => '(?, ?, ?, ?, ?)').join(', ')
      statement = this.db.prepare(
        // A row already there is a retried unit's (carryAttempts): its earlier tries are added to this run's.
        `INSERT INTO unit_outcomes (item_id, unit, attempts, error, code) VALUES ${rows}
         ON CONFLICT (item_id, unit) DO UPDATE SET attempts = unit_outcomes.attempts - 1 + excluded.attempts,
           error = excluded.error, code = excluded.code`,
      )
      this.insertStatements.set(count, statement)
    }
    return statement
  }

  setPlanned(jobId: number, summary: PlanSummary): void {
    this.s.setPlanned.run(JSON.stringify(summary.notes), JSON.stringify(summary.facts), jobId)
  }

  /** Pending items in id order; `last`: only those whose units go once every other unit settled. */
  pendingItems(jobId: number, afterId: number, limit: number, last = false): PendingItem[] {
    return (last ? this.s.pendingLast : this.s.pending).all(jobId, afterId, limit) as PendingItem[]
  }

  /** Whether units that may find more units are still pending: the job's totals may still grow. */
  isFinding(jobId: number): boolean {
    return this.s.finding.get(jobId) !== undefined
  }

  /** An item's packed units. */
  itemUnits(id: number): string {
    return this.s.unitsOf.get(id) as string
  }

  /**
   * Writes changed marks, unit outcomes, counters, logs and units found by units that settled, in one
   * transaction (a found unit is never stored without its finder's outcome); returns the logs' ids.
   */
  writeBatch(
    marks: ItemMarks[],
    outcomes: UnitOutcome[],
    counts: Map<number, JobCounts>,
    logs: NewLog[],
    found: readonly FoundWrite[] = [],
  ): number[] {
    return this.db.transaction(() => {
      for (const m of marks) this.s.setMarks.run(m.marks, m.results, m.settled ? 'settled' : 'pending', m.id)
      for (const write of found) write.stored = this.addItems(write.jobId, write.batches, write.once)
      // Many rows per statement: one call into SQLite per row is what a busy farmer cannot afford.
      for (let start = 0; start < outcomes.length; start += INSERT_ROWS) {
        const rows = outcomes.slice(start, start + INSERT_ROWS)
        const values: unknown[] = []
        for (const o of rows) {
          values.push(o.itemId, o.unit, o.attempts, o.error, o.code)
        }
        this.insertOutcomes(rows.length).run(values)
      }
      for (const [jobId, c] of counts) this.s.addCounts.run(c.done, c.failed, c.bytes, jobId)
      return logs.map((l) => Number(this.s.insertLog.run(l.jobId, l.at, l.level, l.source, l.message).lastInsertRowid))
    })()
  }

  /** Puts a job's failed units back in the queue; returns how many. */
  resetFailedItems(jobId: number): number {
    return this.db.transaction(() => {
      let reset = 0
      for (const item of this.s.withFailed.all(jobId) as { id: number; marks: string }[]) {
        const marks = item.marks.replaceAll(MARK.failed, MARK.pending)
        reset += item.marks.length - item.marks.replaceAll(MARK.failed, '').length
        this.s.setMarks.run(marks, null, 'pending', item.id)
        this.s.carryAttempts.run(item.id)
      }
      // Units that go after every other (a copy's folder times) go again after the ones retried.
      if (reset) this.s.redoLast.run(jobId)
      this.s.recount.run({ id: jobId })
      return reset
    })()
  }

  /** Recomputes a job's counters from its items (after a crash, the items are the truth). */
  recount(jobId: number): void {
    this.s.recount.run({ id: jobId })
  }

  removeJob(id: number): void {
    this.s.remove.run(id)
  }

  /** Records a cancel the farm accepted, before any of it happens: a farm killed meanwhile still owes it. */
  askCancel(id: number, at: number): void {
    this.db.prepare('UPDATE jobs SET cancel_asked_at = coalesce(cancel_asked_at, ?) WHERE id = ?').run(at, id)
  }

  /** Jobs with a cancel accepted and not finished (the farm stopped or died before their end). */
  jobIdsOwingCancel(): number[] {
    const rows = this.db.prepare('SELECT id FROM jobs WHERE cancel_asked_at IS NOT NULL ORDER BY id').all()
    return (rows as { id: number }[]).map((r) => r.id)
  }

  /** Jobs waiting for other jobs (`--after`), by pool (the tray counts them). */
  waitingByPool(): Record<string, number> {
    const rows = this.s.waitingByPool.all() as { pool: string; n: number }[]
    return Object.fromEntries(rows.map((r) => [r.pool, r.n]))
  }

  jobIdsInState(state: JobState): number[] {
    return (this.s.byState.all(state) as { id: number }[]).map((r) => r.id)
  }

  setSetting(key: string, value: unknown): void {
    this.s.setSetting.run(key, JSON.stringify(value))
  }
}

export type { JobListQuery, JobRow } from './job-queries'
