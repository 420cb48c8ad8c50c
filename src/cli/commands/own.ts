import type { Command } from 'commander'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'

/** With nothing to run and no client connected for this long, the background farm stops. */
const idleMs = 3000

/**
 * `own` (hidden): the farm `--detach` (and `--every`) starts when none runs. It runs every queued job of
 * the history and its schedules, serves clients, and stops by itself once idle (no job, no client, no
 * schedule to come), so nothing is left running that nobody asked for.
 */
export function configureOwn(command: Command, cli: CliContext): void {
  command.action(
    commandAction(async () => {
      const [{ Farm }, { childProcessLauncher }, { bundledWorkerEntry }, { listenForClients }] = await Promise.all([
        import('../../core/farm'),
        import('../../core/child-process-worker'),
        import('../../core/bundle-paths'),
        import('../../host/farm-endpoint'),
      ])
      const farm = new Farm({
        dbPath: cli.dbPath,
        launcher: childProcessLauncher(bundledWorkerEntry()),
        autoStart: true,
      })
      const endpoint = await listenForClients(farm)
      await new Promise<void>((resolve) => {
        let idleSince = Date.now()
        const timer = setInterval(() => {
          const busy =
            farm.poolInfo().some((p) => p.runningJobs + p.queuedJobs > 0) ||
            endpoint.clients > 0 ||
            farm.schedules.hasActive()
          if (busy) idleSince = Date.now()
          else if (Date.now() - idleSince >= idleMs) done()
        }, 200)
        const done = (): void => {
          clearInterval(timer)
          resolve()
        }
        process.once('SIGINT', done)
        process.once('SIGTERM', done)
        process.once('SIGHUP', done)
      })
      await farm.shutdown('graceful')
      await endpoint.close()
    }),
  )
}
