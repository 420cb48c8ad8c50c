import type { JobSummary } from '../../shared/api-types'
import { formatCount } from '../../shared/format'
import type { Schedule } from '../../core/schedule'

/** One desktop notification; clicking it opens `jobId`, or the job list when it is null. */
export interface JobNotification {
  title: string
  body: string
  jobId: number | null
}

/** The ends worth telling someone about who is not looking; a cancel was their own doing. */
const notified = new Set<JobSummary['state']>(['completed', 'completed-with-errors', 'failed', 'skipped'])

export function isNotifiable(job: JobSummary): boolean {
  return notified.has(job.state)
}

/** What to say when these jobs ended together (one notification, never one per job). */
export function describeEndedJobs(jobs: readonly JobSummary[]): JobNotification | null {
  const ended = jobs.filter(isNotifiable)
  const [first] = ended
  if (!first) return null
  if (ended.length === 1) return describeOne(first)
  const count = (state: JobSummary['state']): number => ended.filter((j) => j.state === state).length
  const parts = [
    [count('completed'), 'completed'],
    [count('completed-with-errors'), 'with errors'],
    [count('failed'), 'failed'],
    [count('skipped'), 'skipped'],
  ] as const
  const failedFirst = ended.find((j) => j.state === 'failed') ?? ended.find((j) => j.state !== 'completed')
  return {
    title: `${ended.length} jobs ended`,
    body: parts
      .filter(([n]) => n > 0)
      .map(([n, label]) => `${n} ${label}`)
      .join(', '),
    // The one that needs a look, if any; otherwise the list.
    jobId: failedFirst?.id ?? null,
  }
}

function describeOne(job: JobSummary): JobNotification {
  const items = `${formatCount(job.itemsDone)} of ${formatCount(job.itemsTotal)} items done`
  switch (job.state) {
    case 'completed':
      return { title: 'Job completed', body: `${job.title}: ${items}`, jobId: job.id }
    case 'completed-with-errors':
      return {
        title: 'Job finished with errors',
        body: `${job.title}: ${items}, ${formatCount(job.itemsFailed)} failed`,
        jobId: job.id,
      }
    case 'skipped':
      return {
        title: 'Job skipped',
        body: `${job.title}: ${job.error ?? 'a job it follows did not complete'}`,
        jobId: job.id,
      }
    default:
      return { title: 'Job failed', body: `${job.title}: ${job.error ?? 'see its log'}`, jobId: job.id }
  }
}

/**
 * Gathers jobs that end close together into one notification: each end waits `quietMs` for
 * company, and a steady stream of ends still shows something every `maxWaitMs`.
 */
export class NotificationBatcher {
  private pending: JobSummary[] = []
  private cancelQuiet: (() => void) | null = null
  private cancelMax: (() => void) | null = null

  constructor(
    private readonly options: {
      show: (notification: JobNotification) => void
      enabled: () => boolean
      schedule: Schedule
      quietMs?: number
      maxWaitMs?: number
    },
  ) {}

  /** A job's own `--then-notify` is told even with notifications off in Settings. */
  jobEnded(job: JobSummary): void {
    if (!isNotifiable(job) || !(this.options.enabled() || job.then?.notify)) return
    this.pending = [...this.pending.filter((j) => j.id !== job.id), job]
    this.cancelQuiet?.()
    this.cancelQuiet = this.options.schedule(this.options.quietMs ?? 1500, () => this.flush())
    this.cancelMax ??= this.options.schedule(this.options.maxWaitMs ?? 10_000, () => this.flush())
  }

  flush(): void {
    this.cancelQuiet?.()
    this.cancelMax?.()
    this.cancelQuiet = this.cancelMax = null
    const jobs = this.options.enabled() ? this.pending : this.pending.filter((job) => job.then?.notify)
    this.pending = []
    const notification = describeEndedJobs(jobs)
    if (notification) this.options.show(notification)
  }

  /** Settings' "when the queue is empty: notify". */
  queueEmptied(): void {
    this.flush()
    this.options.show({ title: 'All jobs ended', body: 'Nothing is running or waiting in the farm.', jobId: null })
  }
}
