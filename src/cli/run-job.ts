import type { ApiChannel, ApiRequest, ApiResponse } from '../shared/api'
import type { JobOptions, JobSpec, PoolName } from '../shared/job-spec'
import { kindTraits } from '../shared/job-spec'
import { UserError } from '../shared/user-error'
import type { Farm } from '../core/farm'
import { ownerListening } from '../core/store/lock-owner'
import type { ControlClient } from '../host/control-client'
import { attachToJob } from './attach-job'
import type { CliContext } from './cli-context'
import { exitCodeFor, exitCodes } from './exit-codes'
import { createProgressView } from './progress-view'
import type { UnitEvents } from './unit-stream'
import { endActions, scheduleRule, type FollowUpFlags } from './follow-up-options'
import { report } from './output'
import { prestartWorkers } from './worker-launcher'
import { hearRemoteWork, showRemoteWork } from './remote-notes'
import { workersForUnits } from './early-workers'
import type { ScheduleRule } from '../shared/schedules'

export interface ForegroundOptions {
  json?: boolean
  /** Worker processes for the job's pool in this run (when this command runs the farm itself). */
  workers?: number
  /** Print the job's id and return at once; the farm runs it (Pool.apply_async). */
  detach?: boolean
  /**
   * Told the id of the job once it exists (to export it afterwards, say), and where its units are
   * announced; for `resume` and `retry`, once the job runs again.
   */
  onCreated?: (jobId: number, events: UnitEvents) => void
  /** `resume`, `retry`: called just before the job is set going again (what was finished until then). */
  beforeAgain?: (jobId: number) => void
  /** `--at`, `--every`, `--then-…`: a schedule instead of a job now, and what the job does when it ends. */
  followUps?: FollowUpFlags
  /**
   * The spec as another process's farm (an owner, a schedule) must get it: what this process has and
   * that farm lacks (a command's terminal environment). A farm this command runs itself has it already,
   * so the history never keeps it for the common case.
   */
  forOwner?: (spec: JobSpec) => JobSpec
  /**
   * The job has ended: what the command shows of its units (their output, their results) comes out
   * now, before the end line. After it, the last units' output read as the command's own summary's.
   */
  beforeEnd?: () => void
  /**
   * The command's standard output carries its units' output (`run`, `map`): its progress, notes and
   * end line go to standard error, so `task-farm run … | sort` sorts the commands' output alone.
   */
  statusOnStderr?: boolean
}

/**
 * Creates a job and follows it to its end; resolves to the process exit code. When a farm owns the
 * history the job is submitted there; otherwise this command runs the farm itself (and serves other
 * commands while it does).
 */
export async function runNewJob(
  cli: CliContext,
  spec: JobSpec,
  options: Partial<JobOptions>,
  run: ForegroundOptions,
): Promise<number> {
  const then = endActions(run.followUps ?? {})
  if (then) options = { ...options, then }
  const rule = await scheduleRule(run.followUps ?? {})
  if (rule) return makeSchedule(cli, run.forOwner?.(spec) ?? spec, options, rule, run.json)
  const pool = kindTraits[spec.kind].pool
  // A job that follows others waits in the farm that owns the queue: it moves followers on as jobs end.
  const follows = (options.after?.length ?? 0) > 0
  // Workers boot while this process looks for an owner, loads the farm and plans (unused ones end on
  // exit); none when a farm that serves the history will run the job.
  if (!run.detach && !follows && run.workers !== 0 && !ownerListening(cli.dbPath))
    void prestartWorkers(pool, run.workers ?? workersForUnits(), spec.kind)
  const found = await cli.owner()
  if (found && cli.redisFlagGiven)
    process.stderr.write(
      'note: a farm already serves this history: it runs the job with its own remote workers (its --redis, or Settings); --redis applies to a farm this command starts.\n',
    )
  const owner = found ?? (run.detach || follows ? await cli.startOwner() : null)
  if (owner) {
    const { jobId } = await owner.call('jobs.create', { spec: run.forOwner?.(spec) ?? spec, options })
    run.onCreated?.(jobId, owner)
    return follow(owner, jobId, run)
  }
  const farm = await openFor(cli, pool, run)
  let jobId: number
  try {
    jobId = await farm.create(spec, options)
    run.onCreated?.(jobId, farm.events)
  } catch (error) {
    await farm.shutdown('now')
    throw error
  }
  return runHere(farm, jobId, run)
}

/**
 * A schedule is kept by the farm that owns the history (started in the background when none runs):
 * this command returns once it exists, saying its id and next run.
 */
async function makeSchedule(
  cli: CliContext,
  spec: JobSpec,
  options: Partial<JobOptions>,
  rule: ScheduleRule,
  json: boolean | undefined,
): Promise<number> {
  const owner = (await cli.owner()) ?? (await cli.startOwner())
  const schedule = await owner.call('schedules.create', { spec, options, rule })
  const next = schedule.nextRunAt === null ? 'none' : new Date(schedule.nextRunAt).toLocaleString()
  report(json, `Schedule ${schedule.id}: next run ${next}.`, schedule)
  return exitCodes.ok
}

/** One call of the contract, to whichever farm runs the job. */
type ContractCall = <C extends ApiChannel>(channel: C, request: ApiRequest<C>) => Promise<ApiResponse<C>>

/**
 * Like `runNewJob`, for a job that a contract call makes (`units.retry`): made by the owner when one
 * runs, else by this command's own farm through the same handlers, then followed to its end.
 */
export async function runJobMadeBy(
  cli: CliContext,
  pool: PoolName,
  make: (call: ContractCall) => Promise<number>,
  run: ForegroundOptions,
): Promise<number> {
  const owner = (await cli.owner()) ?? (run.detach ? await cli.startOwner() : null)
  if (owner) return follow(owner, await make((channel, request) => owner.call(channel, request)), run)
  const farm = await openFor(cli, pool, run)
  let jobId: number
  try {
    const api = (await import('../core/api-handlers')).createApiHandlers(farm)
    jobId = await make((channel, request) => api.handle(channel, request, 'local'))
  } catch (error) {
    await farm.shutdown('now')
    throw error
  }
  return runHere(farm, jobId, run)
}

/** Resumes or retries a job from the history, in the owner's farm or in one this command runs. */
export async function runExistingJob(
  cli: CliContext,
  jobId: number,
  action: 'resume' | 'retry',
  run: ForegroundOptions,
): Promise<number> {
  const owner = (await cli.owner()) ?? (run.detach ? await cli.startOwner() : null)
  if (owner) {
    run.beforeAgain?.(jobId)
    await owner.call(action === 'resume' ? 'jobs.resume' : 'jobs.retry', { jobId })
    run.onCreated?.(jobId, owner)
    return follow(owner, jobId, run)
  }
  const row = await cli.withHistory((store) => store.job(jobId))
  const farm = await openFor(cli, (row?.pool ?? 'cpu') as PoolName, run)
  try {
    run.beforeAgain?.(jobId)
    if (action === 'resume') farm.resume(jobId)
    else farm.retry(jobId)
    run.onCreated?.(jobId, farm.events)
  } catch (error) {
    await farm.shutdown('now')
    throw error
  }
  return runHere(farm, jobId, run)
}

function follow(owner: ControlClient, jobId: number, run: ForegroundOptions): Promise<number> | number {
  if (!run.detach)
    return attachToJob(owner, jobId, {
      json: run.json,
      interruptOnSignal: true,
      beforeEnd: run.beforeEnd,
      statusOnStderr: run.statusOnStderr,
    })
  process.stdout.write(run.json ? `${JSON.stringify({ event: 'detached', jobId })}\n` : `${jobId}\n`)
  return exitCodes.ok
}

async function openFor(cli: CliContext, pool: PoolName, run: ForegroundOptions): Promise<Farm> {
  // No local workers at all only makes sense when remote hosts do the work.
  if (run.workers === 0 && !cli.redisUrl)
    throw new UserError('--workers 0 needs remote worker hosts: give --redis too.', 'bad-workers')
  const farm = await cli.openFarm(run.workers !== undefined ? { [pool]: run.workers } : {})
  hearRemoteWork(farm)
  return farm
}

/**
 * Runs the farm here and shows the job until it ends, listening for other commands meanwhile (their
 * jobs run in this farm too, and it waits for them before it stops). Ctrl-C once: every job stops
 * cleanly as `interrupted` and can be resumed; twice: the workers are killed at once.
 */
async function runHere(farm: Farm, jobId: number, run: ForegroundOptions): Promise<number> {
  const view = createProgressView({ json: run.json ?? false, statusOnStderr: run.statusOnStderr })
  const offUpdate = farm.events.on('job.updated', (job) => job.id === jobId && view.update(job))
  const offLog = farm.events.on('job.log', ({ entries }) =>
    entries.filter((e) => e.jobId === jobId).forEach((e) => view.log(e)),
  )
  // Beside the job's own lines, what the farm says about its remote work.
  const offRemote = showRemoteWork(farm, jobId, view, run.workers === 0)
  let interrupts = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    // A hang-up often comes twice (the terminal, then the shell passing it on): it never escalates.
    if (signal === 'SIGHUP' && interrupts > 0) return
    interrupts++
    if (interrupts === 1) {
      view.note('Stopping: the job will be resumable (Ctrl-C again to kill the workers now).')
      void farm.shutdown('graceful')
    } else {
      for (const pool of Object.values(farm.pools)) pool.terminate()
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('SIGHUP', onSignal)
  // Listening comes after the handlers: a Ctrl-C while it starts stops the job cleanly too.
  const { listenForClients } = await import('../host/farm-endpoint')
  const endpoint = await listenForClients(farm).catch((error: Error) => {
    farm.log(null, 'warn', 'core', `other commands cannot reach this farm: ${error.message}`)
    return null
  })
  try {
    const end = await farm.waitForEnd(jobId)
    offUpdate()
    offLog()
    offRemote()
    // The job's units were written as it ended: its last lines are read now, before other jobs are
    // waited for, and the reader closes before the farm closes the history. The last connection to
    // close folds the WAL into the file; a read-only one cannot, and left megabytes of it behind.
    run.beforeEnd?.()
    await waitForOthers(farm, view.note)
    await farm.shutdown('graceful')
    await endpoint?.close()
    view.end(end)
    return exitCodeFor(end.state, end.errorCode)
  } finally {
    offUpdate()
    offLog()
    offRemote()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    // The shell often passes a hang-up on after the terminal's: one landing while this command flushes
    // its output and exits must not kill it half-way. Installed before the other handler goes: with no
    // handler at all for an instant, a hang-up then took the signal's default and killed the command.
    process.on('SIGHUP', ignoreHangUp)
    process.off('SIGHUP', onSignal)
  }
}

/** Jobs other commands submitted to this farm finish before it stops (or until Ctrl-C stops them all). */
async function waitForOthers(farm: Farm, note: (text: string) => void): Promise<void> {
  const active = (): number => farm.poolInfo().reduce((n, p) => n + p.runningJobs + p.queuedJobs, 0)
  if (active() === 0) return
  note(`Waiting for ${active()} more job(s) other commands started in this farm (Ctrl-C stops them as interrupted).`)
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (active() > 0) return
      off()
      offStop()
      resolve()
    }
    const off = farm.events.on('job.ended', check)
    const offStop = farm.events.on('job.updated', check)
  })
}

const ignoreHangUp = (): void => undefined
