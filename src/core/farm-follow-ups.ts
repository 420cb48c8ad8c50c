import { summaryHasEnded } from '../shared/job-state'
import { queueEmptyActionSchema } from '../shared/job-end-actions'
import type { Farm } from './farm'
import { FarmSchedules } from './farm-schedules'
import { JobEndRunner } from './job-end-runner'
import { ScheduleStore } from './store/schedule-store'

/** What follows jobs in a farm: its schedules and the actions run when a job, or the queue, ends. */
export function farmFollowUps(farm: Farm): { endRunner: JobEndRunner; schedules: FarmSchedules } {
  const endRunner = new JobEndRunner({
    db: farm.store.db,
    summary: (jobId) => farm.summary(jobId),
    log: (...a) => farm.log(...a),
    queueEmptyAction: () =>
      queueEmptyActionSchema.parse(
        (farm.store.setting('settings') as { whenQueueEmpty?: unknown } | undefined)?.whenQueueEmpty ?? {},
      ),
    activeJobs: () => farm.poolInfo().reduce((n, p) => n + p.runningJobs + p.queuedJobs, 0),
    queueEmptied: () => farm.events.emit('queue.empty', { at: Date.now() }),
  })
  const schedules = new FarmSchedules({
    store: new ScheduleStore(farm.store.db),
    create: (spec, options) => farm.create(spec, options),
    check: (spec) => farm.check(spec),
    hasEnded: (jobId) => !farm.store.job(jobId) || summaryHasEnded(farm.summary(jobId)),
    emit: (event, payload) => farm.events.emit(event, payload),
    log: (...a) => farm.log(...a),
    now: Date.now,
  })
  return { endRunner, schedules }
}
