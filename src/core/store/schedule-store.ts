import type Database from 'better-sqlite3'
import { jobOptionsSchema, jobSpecSchema } from '../../shared/job-spec'
import { scheduleRuleSchema, type ScheduleInfo, type ScheduleRule } from '../../shared/schedules'

interface ScheduleRow {
  id: number
  title: string
  kind: string
  spec: string
  options: string
  rule: string
  next_run_at: number | null
  paused: number
  runs: number
  last_job_id: number | null
  created_at: number
}

export interface NewSchedule {
  title: string
  kind: string
  spec: unknown
  options: unknown
  rule: ScheduleRule
  nextRunAt: number
}

/** The history's schedules (v6); rows are decoded here through the contract's schemas, nowhere else. */
export class ScheduleStore {
  private readonly s

  constructor(private readonly db: Database.Database) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO schedules (title, kind, spec, options, rule, next_run_at, created_at)
         VALUES (@title, @kind, @spec, @options, @rule, @nextRunAt, @createdAt)`,
      ),
      one: db.prepare('SELECT * FROM schedules WHERE id = ?'),
      all: db.prepare('SELECT * FROM schedules ORDER BY id'),
      setPaused: db.prepare('UPDATE schedules SET paused = ? WHERE id = ?'),
      setNext: db.prepare('UPDATE schedules SET next_run_at = ? WHERE id = ?'),
      started: db.prepare('UPDATE schedules SET next_run_at = ?, runs = runs + 1, last_job_id = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM schedules WHERE id = ?'),
      active: db.prepare('SELECT count(*) FROM schedules WHERE paused = 0 AND next_run_at IS NOT NULL').pluck(),
    }
  }

  create(schedule: NewSchedule, at: number): number {
    const { lastInsertRowid } = this.s.insert.run({
      ...schedule,
      spec: JSON.stringify(schedule.spec),
      options: JSON.stringify(schedule.options),
      rule: JSON.stringify(schedule.rule),
      createdAt: at,
    })
    return Number(lastInsertRowid)
  }

  get(id: number): ScheduleInfo | undefined {
    const row = this.s.one.get(id) as ScheduleRow | undefined
    return row && decode(row)
  }

  list(): ScheduleInfo[] {
    return (this.s.all.all() as ScheduleRow[]).map(decode)
  }

  /** Schedules that will start a job some day: the background farm stays for them. */
  activeCount(): number {
    return this.s.active.get() as number
  }

  setPaused(id: number, paused: boolean): void {
    this.s.setPaused.run(paused ? 1 : 0, id)
  }

  setNextRun(id: number, at: number | null): void {
    this.s.setNext.run(at, id)
  }

  /** A run started `jobId`; the next one is due at `next` (null: none). */
  recordRun(id: number, jobId: number, next: number | null): void {
    this.s.started.run(next, jobId, id)
  }

  remove(id: number): boolean {
    return this.s.remove.run(id).changes > 0
  }
}

function decode(row: ScheduleRow): ScheduleInfo {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    spec: jobSpecSchema.parse(JSON.parse(row.spec)),
    options: jobOptionsSchema.partial().parse(JSON.parse(row.options)),
    rule: scheduleRuleSchema.parse(JSON.parse(row.rule)),
    nextRunAt: row.next_run_at,
    paused: row.paused === 1,
    runs: row.runs,
    lastJobId: row.last_job_id,
    createdAt: row.created_at,
  }
}
