import { dirname, resolve } from 'node:path'
import { kindTraits, type JobSpec, type PoolName } from '../shared/job-spec'
import type { Farm } from './farm'
import { farmFollowUps } from './farm-follow-ups'
import type { FarmOptions } from './farm-options'
import { FarmPools } from './farm-pools'
import { FarmRemote } from './farm-remote'
import { HistoryWriter } from './history-writer'
import { JobChains } from './job-chains'
import { JobLifecycle } from './job-lifecycle'
import { JobScheduler } from './job-scheduler'
import { JobStopRules } from './job-stop-rules'
import { systemMachineReader } from './machine-room'
import { MemoryGuard } from './memory-guard'
import { savedFarming } from './saved-farming'
import { TaskResults } from './task-results'
import { killGroup, orphanGroupsOfDeadFarms } from './orphan-runs'
import type { JobStore } from './store/job-store'

/** What the farm's parts tell it: jobs whose summary changed, and active jobs whose counters moved. */
export interface FarmNotes {
  dirtyJobs: Set<number>
  countedJobs: Set<number>
}

/**
 * The farm's parts that decide a job's life, wired to each other and to the farm (its store, events,
 * pools and log): the history writer, the scheduler, the lifecycle, chains, end actions and schedules,
 * and what applies workers' reports. Made before the history's interrupted jobs are recovered.
 */
export function assembleJobParts(farm: Farm, options: FarmOptions, hooks: FarmNotes) {
  const writer = new HistoryWriter(
    farm.store,
    (entries) => farm.events.emit('job.log', { entries }),
    (jobIds) => jobIds.forEach((jobId) => farm.events.emit('job.units', { jobId })),
  )
  const { endRunner, schedules } = farmFollowUps(farm)
  const scheduler: JobScheduler = new JobScheduler({
    store: farm.store,
    writer,
    pools: farm.pools,
    now: Date.now,
    log: (jobId, level, source, message) => farm.log(jobId, level, source, message),
    jobChanged: (job) => hooks.countedJobs.add(job.id),
    lifecycle: (): JobLifecycle => lifecycle,
    cancelGraceMs: options.cancelGraceMs ?? 3000,
    cleanupLimitMs: options.cleanupLimitMs ?? (options.cancelGraceMs ?? 3000) * 100,
    history: options.inlineUnits ? null : resolve(options.dbPath),
  })
  const stopRules = new JobStopRules({
    apply: (jobId, event, detail) => lifecycle.apply(jobId, event, detail),
    log: (...a) => farm.log(...a),
  })
  const lifecycle: JobLifecycle = new JobLifecycle({
    store: farm.store,
    writer,
    scheduler,
    pools: farm.pools,
    now: Date.now,
    log: (...a) => farm.log(...a),
    changed: (jobId) => hooks.dirtyJobs.add(jobId),
    ended: (jobId) => {
      endRunner.jobEnded(jobId)
      farm.events.emit('job.ended', farm.summary(jobId))
      chains.ended(jobId)
    },
    transitioned: options.onTransition,
    stopRules,
  })
  const chains = new JobChains({
    store: farm.store,
    lifecycle,
    owner: options.autoStart === true,
    log: (jobId, message) => farm.log(jobId, 'info', 'core', message),
  })
  const results = new TaskResults({
    scheduler,
    lifecycle,
    store: farm.store,
    writer,
    log: (...a) => farm.log(...a),
  })
  return { writer, endRunner, schedules, scheduler, lifecycle, stopRules, chains, results }
}

/**
 * The parts that run the work, on the job parts: the memory guard, the pools (their saved sizes,
 * autoscale and recycling) and the remote hosts' link.
 */
export function assemblePoolParts(
  farm: Farm,
  options: FarmOptions,
  hooks: FarmNotes,
  { scheduler, results, lifecycle }: Pick<ReturnType<typeof assembleJobParts>, 'scheduler' | 'results' | 'lifecycle'>,
) {
  const saved = savedFarming(farm.store.setting('settings'))
  farm.memfreeBytes = saved.memfreeBytes
  const memory = new MemoryGuard({
    scheduler,
    read: options.readMachine ?? systemMachineReader(),
    memfreeBytes: () => farm.memfreeBytes,
    pools: farm.pools,
    cancelGraceMs: options.cancelGraceMs ?? 3000,
    log: (...a) => farm.log(...a),
    changed: (job) => hooks.dirtyJobs.add(job.id),
  })
  scheduler.memoryHolds = (run) => memory.holds(run)
  const poolSet = new FarmPools({
    pools: farm.pools,
    launcher: options.launcher,
    overrides: options.pools ?? {},
    savedSizes: (farm.store.setting('poolSizes') as Partial<Record<PoolName, number>> | undefined) ?? {},
    savedAutoscale: saved.poolAutoscale,
    savedRecycle: saved.poolRecycle,
    scheduler,
    results,
    fail: (jobId, error) => lifecycle.apply(jobId, 'fail', { note: error, error }),
    log: (...a) => farm.log(...a),
    measureWorkers: options.measureWorkers ?? true,
  })
  const remote = new FarmRemote(
    {
      pools: farm.pools,
      dispatch: (pool) => scheduler.dispatch(pool),
      changed: (pool) => poolSet.dirty.add(pool),
      log: (level, message) => farm.log(null, level, 'remote', message),
      historyFolder: dirname(resolve(options.dbPath)),
      // Being cancelled counts: the history's row follows a moment later.
      cancelled: (jobId) =>
        scheduler.runs.get(jobId)?.stopping === 'cancel' || farm.store.job(jobId)?.state === 'cancelled',
    },
    () => Object.keys(farm.pools) as PoolName[],
    options.remote,
    options.connectRemote,
  )
  return { memory, poolSet, remote }
}

/**
 * Jobs that were running when the farm last stopped without warning become `interrupted`; returns them.
 * Commands that farm's workers started for this history (`dbPath`) may still run (it died before it
 * could end them): they end first, so a resume never runs an input beside its last run.
 */
export function recoverInterrupted(store: JobStore, lifecycle: JobLifecycle, dbPath: string): number[] {
  const ids = store.jobIdsInState('running')
  for (const id of ids) {
    store.recount(id)
    lifecycle.apply(id, 'recovered')
  }
  if (ids.some((id) => store.job(id)?.kind === 'command'))
    for (const group of orphanGroupsOfDeadFarms(resolve(dbPath))) killGroup(group)
  return ids
}

/**
 * A farm that runs the queue (the app, `serve`: `autoStart`) takes over what the history holds: queued
 * jobs, cancels accepted before the last farm stopped (the table's `cancel` again, clean-up first),
 * followers of jobs that ended meanwhile, and schedules. A CLI's own farm leaves them.
 */
export function takeOverQueue(farm: Farm, parts: ReturnType<typeof assembleJobParts>, recovered: number[]): void {
  for (const id of farm.store.jobIdsInState('queued')) {
    const row = farm.store.job(id)!
    parts.scheduler.enqueue(id, kindTraits[row.kind as JobSpec['kind']].pool, row.priority)
  }
  parts.scheduler.admit()
  for (const id of farm.store.jobIdsOwingCancel()) {
    farm.log(id, 'info', 'core', 'finishing the cancel accepted before the farm stopped')
    parts.lifecycle.apply(id, 'cancel', { note: 'cancelled by the user (before the farm stopped)' })
  }
  parts.chains.opened(recovered)
  parts.schedules.start()
}
