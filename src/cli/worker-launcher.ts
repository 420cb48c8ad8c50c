import type { PrestartingLauncher } from '../core/child-process-worker'
import type { JobKind, PoolName } from '../shared/job-spec'

// One launcher per CLI process, so the workers forked early are the ones the farm takes.
let launcher: Promise<PrestartingLauncher> | undefined

/** How this command starts workers. */
export function workerLauncher(): Promise<PrestartingLauncher> {
  launcher ??= Promise.all([import('../core/child-process-worker'), import('../core/bundle-paths')]).then(
    ([{ childProcessLauncher }, { bundledWorkerEntry }]) => childProcessLauncher(bundledWorkerEntry()),
  )
  return launcher
}

/**
 * Starts `count` workers of `pool` now, while the command still loads the farm, opens the history and
 * plans: they are ready, the `kind`'s code loaded, by the time the job's first units are.
 */
export function prestartWorkers(pool: PoolName, count: number, kind: JobKind): Promise<void> {
  return workerLauncher().then((launcher) => launcher.prestart(count, pool, kind))
}

/** Ends the workers started early that no farm took (a command that ran no job here). */
export async function dropPrestarted(): Promise<void> {
  await launcher?.then((started) => started.dropPrestarted())
}
