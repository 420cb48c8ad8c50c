import type { ApiEvent, ApiEventPayload } from '../shared/api'
import type { JobOptions, JobSpec } from '../shared/job-spec'
import { jobTitle } from '../shared/job-spec'
import type { LogLevel } from '../shared/job-state'
import type { ScheduleInfo, ScheduleRule } from '../shared/schedules'
import { UserError } from '../shared/user-error'
import { firstRun, nextRun } from './schedule-rule'
import type { ScheduleStore } from './store/schedule-store'

export interface ScheduleDeps {
  store: ScheduleStore
  create(spec: JobSpec, options: Partial<JobOptions>): Promise<number>
  /** The kind's cheap checks (paths exist…): a schedule that could never start a job is refused at once. */
  check(spec: JobSpec): Promise<string[]>
  /** Whether a job has ended and owes nothing (a removed job has). */
  hasEnded(jobId: number): boolean
  emit<E extends ApiEvent>(event: E, payload: ApiEventPayload<E>): void
  log(jobId: number | null, level: LogLevel, source: string, message: string): void
  now(): number
}

/** Timers cannot wait longer than this; a longer wait is re-armed (which also follows a clock change). */
const maxWaitMs = 60_000

/**
 * The schedules of the history. Any farm may list and change them; only the farm that runs the queue
 * (the app, `serve`, the background farm: `start()`) starts their jobs, on a timer set to the next due
 * run, never by polling. A schedule whose last job has not ended skips that run (no overlap).
 */
export class FarmSchedules {
  private timer: NodeJS.Timeout | null = null
  private running = false
  private firing: Promise<void> | null = null

  constructor(private readonly d: ScheduleDeps) {}

  async create(spec: JobSpec, options: Partial<JobOptions>, rule: ScheduleRule): Promise<ScheduleInfo> {
    const now = this.d.now()
    const nextRunAt = firstRun(rule, now)
    const problems = await this.d.check(spec)
    if (problems.length) throw new UserError(problems.join('\n'), 'check-failed')
    const id = this.d.store.create({ title: jobTitle(spec), kind: spec.kind, spec, options, rule, nextRunAt }, now)
    this.d.log(
      null,
      'info',
      'schedule',
      `schedule ${id} made: ${jobTitle(spec)}, next run ${new Date(nextRunAt).toISOString()}`,
    )
    return this.changed(id)
  }

  list = (): ScheduleInfo[] => this.d.store.list()
  /** Some schedule will start a job some day (the background farm stays for it). */
  hasActive = (): boolean => this.d.store.activeCount() > 0

  setPaused(id: number, paused: boolean): void {
    const schedule = this.get(id)
    this.d.store.setPaused(id, paused)
    // A resumed schedule whose runs passed while it was paused goes on from now, without a catch-up.
    if (!paused && schedule.nextRunAt !== null && schedule.nextRunAt < this.d.now())
      this.d.store.setNextRun(id, nextRun(schedule.rule, this.d.now()))
    this.changed(id)
  }

  remove(id: number): void {
    this.get(id)
    this.d.store.remove(id)
    this.d.emit('schedule.removed', { scheduleId: id })
    this.arm()
  }

  /**
   * Starts running schedules. Runs missed while no farm ran follow each schedule's `missed` policy:
   * `once` (the default) starts one now, `skip` waits for the next run after now.
   */
  start(): void {
    this.running = true
    const now = this.d.now()
    for (const s of this.d.store.list()) {
      if (s.paused || s.nextRunAt === null || s.nextRunAt >= now) continue
      if (s.rule.missed === 'skip') {
        this.d.store.setNextRun(s.id, nextRun(s.rule, now))
        this.d.log(null, 'info', 'schedule', `schedule ${s.id}: a run missed while no farm ran was skipped`)
      }
    }
    this.arm()
  }

  async stop(): Promise<void> {
    this.running = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.firing
  }

  private arm(): void {
    if (!this.running) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const due = this.d.store
      .list()
      .filter((s) => !s.paused && s.nextRunAt !== null)
      .map((s) => s.nextRunAt!)
    if (!due.length) return
    const wait = Math.min(Math.max(0, Math.min(...due) - this.d.now()), maxWaitMs)
    this.timer = setTimeout(() => {
      this.timer = null
      this.firing ??= this.fire().finally(() => {
        this.firing = null
        this.arm()
      })
    }, wait)
  }

  private async fire(): Promise<void> {
    for (const s of this.d.store.list()) {
      const now = this.d.now()
      if (!this.running || s.paused || s.nextRunAt === null || s.nextRunAt > now) continue
      // Keep the cadence from the due time; after a long gap, go on from now.
      const after = nextRun(s.rule, s.nextRunAt)
      const next = after !== null && after <= now ? nextRun(s.rule, now) : after
      // The next run is written before the job exists: a farm killed in between loses a run, never doubles one.
      this.d.store.setNextRun(s.id, next)
      if (s.lastJobId !== null && !this.d.hasEnded(s.lastJobId)) {
        this.d.log(null, 'info', 'schedule', `schedule ${s.id}: run skipped, its job ${s.lastJobId} has not ended`)
        this.published(s.id)
        continue
      }
      try {
        const jobId = await this.d.create(s.spec, s.options)
        this.d.store.recordRun(s.id, jobId, next)
        this.d.log(jobId, 'info', 'schedule', `started by schedule ${s.id}`)
      } catch (error) {
        const message = error instanceof UserError ? error.message : String(error)
        this.d.log(null, 'error', 'schedule', `schedule ${s.id} could not start its job: ${message}`)
      }
      this.published(s.id)
    }
  }

  private get(id: number): ScheduleInfo {
    const schedule = this.d.store.get(id)
    if (!schedule) throw new UserError(`There is no schedule ${id}.`, 'no-such-schedule')
    return schedule
  }

  private changed(id: number): ScheduleInfo {
    const schedule = this.get(id)
    this.d.emit('schedule.updated', schedule)
    this.arm()
    return schedule
  }

  /** After a run: the schedule may have been removed while its job was being made. */
  private published(id: number): void {
    if (this.d.store.get(id)) this.changed(id)
  }
}
