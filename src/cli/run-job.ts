import type { JobOptions, JobSpec, PoolName } from '../shared/job-spec'
import { kindTraits } from '../shared/job-spec'
import type { Farm } from '../core/farm'
import type { CliContext } from './cli-context'
import { exitCodeFor } from './exit-codes'
import { createProgressView } from './progress-view'

export interface ForegroundOptions {
  json?: boolean
  /** Worker processes for the job's pool in this run. */
  workers?: number
  /** Told the id of the job once it exists (to export it afterwards, say). */
  onCreated?: (jobId: number) => void
}

/** Creates a job and runs it to its end in the foreground; resolves to the process exit code. */
export async function runNewJob(cli: CliContext, spec: JobSpec, options: Partial<JobOptions>, run: ForegroundOptions): Promise<number> {
  const farm = openFor(cli, kindTraits[spec.kind].pool, run)
  let jobId: number
  try {
    jobId = await farm.create(spec, options)
    run.onCreated?.(jobId)
  } catch (error) {
    await farm.shutdown('now')
    throw error
  }
  return followJob(farm, jobId, run)
}

/** Resumes or retries a job from the history in the foreground. */
export async function runExistingJob(cli: CliContext, jobId: number, action: 'resume' | 'retry', run: ForegroundOptions): Promise<number> {
  const store = cli.openReadOnly()
  const row = store.job(jobId)
  store.db.close()
  const pool = (row?.pool ?? 'cpu') as PoolName
  const farm = openFor(cli, pool, run)
  try {
    if (action === 'resume') farm.resume(jobId)
    else farm.retry(jobId)
  } catch (error) {
    await farm.shutdown('now')
    throw error
  }
  return followJob(farm, jobId, run)
}

function openFor(cli: CliContext, pool: PoolName, run: ForegroundOptions): Farm {
  return cli.openFarm(run.workers ? { [pool]: run.workers } : {})
}

/**
 * Shows the job until it ends. Ctrl-C once: the job stops cleanly as `interrupted` and can be resumed;
 * twice: the workers are killed at once.
 */
async function followJob(farm: Farm, jobId: number, run: ForegroundOptions): Promise<number> {
  const view = createProgressView({ json: run.json ?? false })
  const offUpdate = farm.events.on('job.updated', (job) => job.id === jobId && view.update(job))
  const offLog = farm.events.on('job.log', ({ entries }) => entries.filter((e) => e.jobId === jobId).forEach((e) => view.log(e)))
  let interrupts = 0
  const onSignal = (): void => {
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
  try {
    const end = await farm.waitForEnd(jobId)
    await farm.shutdown('graceful')
    view.end(end)
    return exitCodeFor(end.state, end.errorCode)
  } finally {
    offUpdate()
    offLog()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
