import { spawn } from 'node:child_process'
import type Database from 'better-sqlite3'
import type { JobSummary } from '../shared/api-types'
import { jobEndActionsSchema, type JobEndActions, type QueueEmptyAction } from '../shared/job-end-actions'
import type { JobState, LogLevel } from '../shared/job-state'

/** The ends a job's actions follow: its work is over. An interrupted job will be resumed, so it has not. */
export const actionEnds: readonly JobState[] = [
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
  'timed-out',
]

/** Lines of an action's output kept in the log; the rest is counted. */
const maxLoggedLines = 200
/** How long a stopping farm waits for actions still running; they go on without their log after it. */
const stopWaitMs = 30_000

export interface EndRunnerDeps {
  db: Database.Database
  summary(jobId: number): JobSummary
  log(jobId: number | null, level: LogLevel, source: string, message: string): void
  queueEmptyAction(): QueueEmptyAction
  /** Running and queued jobs of the farm. */
  activeJobs(): number
  queueEmptied(): void
}

/**
 * Runs what a job asked for when it ends (`--then-run`), once per end. The job's end in the history
 * (its state and `finished_at`) is the durable record that an action is owed; a row of
 * `job_end_actions` is written before the command starts. So a farm killed right after a job ended
 * runs the action when the history next opens, and never runs one twice.
 */
export class JobEndRunner {
  private readonly s
  private readonly running = new Set<Promise<void>>()
  private closing = false
  /** The history is closing: actions still running after the wait write nothing more. */
  private detached = false
  /** A look at the queue after an end, not yet made. */
  private queueLook: Promise<void> | null = null
  /** When the queue was last found empty (ms since the epoch). */
  private emptiedAt = -Infinity

  constructor(private readonly d: EndRunnerDeps) {
    const ends = actionEnds.map((s) => `'${s}'`).join(', ')
    this.s = {
      owed: d.db.prepare(
        `SELECT id FROM jobs j WHERE then_actions IS NOT NULL AND finished_at IS NOT NULL AND state IN (${ends})
           AND NOT EXISTS (SELECT 1 FROM job_end_actions a WHERE a.job_id = j.id AND a.ended_at = j.finished_at)
         ORDER BY id`,
      ),
      actions: d.db.prepare('SELECT then_actions FROM jobs WHERE id = ?').pluck(),
      setActions: d.db.prepare('UPDATE jobs SET then_actions = ? WHERE id = ?'),
      claim: d.db.prepare(
        'INSERT OR IGNORE INTO job_end_actions (job_id, ended_at, state, started_at) VALUES (?, ?, ?, ?)',
      ),
      finished: d.db.prepare('UPDATE job_end_actions SET finished_at = ? WHERE job_id = ? AND ended_at = ?'),
    }
  }

  /** Keeps a new job's actions with it. */
  remember(jobId: number, actions: JobEndActions | undefined): void {
    if (actions && (actions.notify || actions.run)) this.s.setActions.run(JSON.stringify(actions), jobId)
  }

  /** Runs every action owed by ends this history recorded while no farm ran them (at open). */
  runOwed(): void {
    for (const id of this.s.owed.pluck().all() as number[]) this.jobEnded(id)
  }

  /** A job's life reached an end: run its action, and the queue's when nothing is left to run. */
  jobEnded(jobId: number): void {
    if (this.closing) return
    const job = this.d.summary(jobId)
    if (!actionEnds.includes(job.state)) return
    const raw = this.s.actions.get(jobId) as string | null | undefined
    const actions = raw ? jobEndActionsSchema.parse(JSON.parse(raw)) : null
    if (actions?.run && job.finishedAt !== null) {
      const claimed = this.s.claim.run(jobId, job.finishedAt, job.state, Date.now()).changes > 0
      if (claimed) this.track(this.runCommand(job, actions.run, actions.cwd))
    }
    // An end at or before the last "queue empty" was counted in it (its news came late): not a new emptying.
    if (job.finishedAt !== null && job.finishedAt <= this.emptiedAt) return
    // The scheduler admits the next queued job in the same turn as this end: look once it has. Ends
    // close together share one look, so one emptying is announced once.
    if (this.queueLook) return
    this.queueLook = new Promise((resolve) =>
      setImmediate(() => {
        this.queueLook = null
        resolve(this.checkQueue())
      }),
    )
    this.track(this.queueLook)
  }

  /** Lets actions under way finish (up to 30 s) before the farm closes the history. */
  async stop(): Promise<void> {
    this.closing = true
    const deadline = Date.now() + stopWaitMs
    while (this.running.size && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined
      const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadline - Date.now())))
      await Promise.race([Promise.all(this.running), limit])
      clearTimeout(timer)
    }
    this.detached = true
  }

  /** Decided for an end seen before the farm began to stop, so a stopping farm still runs it. */
  private checkQueue(): void {
    if (this.d.activeJobs() > 0) return
    this.emptiedAt = Date.now()
    const action = this.d.queueEmptyAction()
    this.d.queueEmptied()
    if (action.run) this.track(this.runCommand(null, action.run, undefined))
  }

  private track(run: Promise<void>): void {
    this.running.add(run)
    void run.finally(() => this.running.delete(run))
  }

  /** Runs `line` through the platform shell; its output goes to the job's log (the farm's for the queue). */
  private runCommand(job: JobSummary | null, line: string, cwd: string | undefined): Promise<void> {
    const jobId = job?.id ?? null
    const source = job ? 'then-run' : 'queue-empty'
    const env: NodeJS.ProcessEnv = { ...process.env }
    if (job) {
      env.TASK_FARM_JOB_ID = String(job.id)
      env.TASK_FARM_JOB_STATE = job.state
      env.TASK_FARM_JOB_TITLE = job.title
      env.TASK_FARM_JOB_DONE = String(job.itemsDone)
      env.TASK_FARM_JOB_FAILED = String(job.itemsFailed)
      env.TASK_FARM_JOB_TOTAL = String(job.itemsTotal)
    }
    this.d.log(jobId, 'info', source, `running: ${line}`)
    return new Promise((resolve) => {
      let lines = 0
      const output = (level: LogLevel) => (chunk: Buffer) => {
        for (const text of chunk.toString('utf8').split(/\r?\n/)) {
          if (!text) continue
          if (++lines <= maxLoggedLines) this.d.log(jobId, level, source, text)
        }
      }
      const child = spawn(line, { shell: true, cwd, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
      child.stdout.on('data', output('info'))
      child.stderr.on('data', output('warn'))
      child.on('error', (error) => {
        this.d.log(jobId, 'error', source, `could not run: ${error.message}`)
        resolve()
      })
      child.on('close', (code, signal) => {
        if (this.detached) return resolve()
        if (lines > maxLoggedLines) this.d.log(jobId, 'info', source, `${lines - maxLoggedLines} more lines not kept`)
        const how = signal ? `killed by ${signal}` : `exit code ${code}`
        this.d.log(jobId, code === 0 ? 'info' : 'warn', source, `ended: ${how}`)
        if (job) this.s.finished.run(Date.now(), job.id, job.finishedAt)
        resolve()
      })
    })
  }
}
