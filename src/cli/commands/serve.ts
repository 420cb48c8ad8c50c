import { Option, type Command } from 'commander'
import { serveFarm } from '../../host/serve-farm'
import { startWebHost, type WebHost } from '../../host/index'
import type { ControlClient } from '../../host/control-client'
import type { FarmEventSource } from '../../host/farm-event-feed'
import { isUserError, UserError } from '../../shared/user-error'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { findOwner } from '../../host/find-owner'
import { nonNegativeInt } from '../parse-options'
import { LazyRemoteLink } from '../lazy-remote-link'

/** Remote workers for the Redis URL a person types in Settings (BullMQ loads only then). */
function connectRemote(url: string): LazyRemoteLink {
  return new LazyRemoteLink(url)
}

interface Served {
  host: WebHost
  close(): Promise<void>
  /** Resolves when the farm this window is attached to goes away (never for the owner itself). */
  gone: Promise<void>
}

/**
 * `task-farm serve`: the farm with its window in a browser, on 127.0.0.1 behind a random token. When
 * another process already owns the history, this one serves the window through that farm's control
 * endpoint instead; if that farm goes away, this one takes over on the same address, so the page
 * reconnects by itself.
 */
export function configureServe(command: Command, cli: CliContext): void {
  command
    .option('--port <n>', 'port to listen on (default: any free port)', nonNegativeInt('--port', 65_535), 0)
    .option('--token <secret>', 'use this token instead of a random one (for scripts; keep it secret)')
    // Tests serve a stand-in page instead of building the whole window.
    .addOption(new Option('--renderer-dir <path>').hideHelp())
    .action(
      commandAction(async (o: { port: number; token?: string; rendererDir?: string }) => {
        const stop = new Promise<NodeJS.Signals>((resolve) => {
          // A Ctrl-C, a `kill`, a closed terminal tab or a dropped ssh: stop cleanly. Each often comes
          // twice (the terminal signals the whole group — npm, `npm start`'s script, serve — and the
          // script passes it on; `timeout` does the same): the listeners stay, so a second one never
          // brings the default death mid-stop (lock and socket left behind, temporary files kept).
          for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => resolve(signal))
        })
        let address: Address = { port: o.port, token: o.token, rendererDir: o.rendererDir }
        for (let announced = false; ; announced = true) {
          const owner = await findOwner(cli.dbPath)
          const served = owner ? await serveAttached(owner, address) : await serveOwned(cli, address, announced)
          if (!served) continue
          address = { ...address, port: served.host.port, token: served.host.token }
          if (!announced) {
            process.stdout.write(
              `Task Farm is serving the farm at ${served.host.url}\n${owner ? '(through the farm that already runs on this history)\n' : ''}` +
                'Open that address in a browser; press Ctrl-C to stop.\n',
            )
          }
          const signal = await Promise.race([stop, served.gone.then(() => null)])
          if (signal === null) {
            process.stdout.write(
              'The farm this window was attached to went away: this process runs it now, at the same address.\n',
            )
            await served.close()
            continue
          }
          process.stdout.write(
            owner
              ? `Stopping (${signal}); the farm goes on in its own process.\n`
              : `Stopping (${signal}): running jobs are stopped as interrupted, their temporary files removed; ` +
                  'they go on from where they stopped with `task-farm resume ID` or the Resume button.\n',
          )
          await served.close()
          return
        }
      }),
    )
}

type Address = { port: number; token?: string; rendererDir?: string }

/** Null when another process took the history first while this one was taking over: attach to it. */
async function serveOwned(cli: CliContext, address: Address, takingOver: boolean): Promise<Served | null> {
  const remote = cli.remoteLink()
  const served = await serveFarm({ dbPath: cli.dbPath, ...address, remote, connectRemote }).catch(
    (error: NodeJS.ErrnoException) => {
      if (takingOver && isUserError(error) && error.code === 'farm-busy') return null
      return portInUse(address.port)(error)
    },
  )
  if (!served) return null
  return { host: served.host, close: () => served.close(), gone: new Promise(() => {}) }
}

/** The window over another process's farm: the web host's calls and events go through the control client. */
async function serveAttached(owner: ControlClient, address: Address): Promise<Served> {
  const events: FarmEventSource = { on: (event, listener) => owner.on(event, listener) }
  const host = await startWebHost({ api: owner, events, ...address }).catch(portInUse(address.port))
  const gone = new Promise<void>((resolve) => owner.onGone(resolve))
  return {
    host,
    gone,
    async close() {
      await host.close()
      owner.close()
    },
  }
}

function portInUse(port: number): (error: NodeJS.ErrnoException) => never {
  return (error) => {
    if (error.code === 'EADDRINUSE')
      throw new UserError(`Port ${port} is already in use; pick another with --port.`, 'port-in-use')
    throw error
  }
}
