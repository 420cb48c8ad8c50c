import type { Command } from 'commander'
import { serveFarm } from '../../host/serve-farm'
import { UserError } from '../../shared/user-error'
import type { CliContext } from '../cli-context'
import { exitCodes } from '../exit-codes'
import { nonNegativeInt } from '../parse-options'
import { LazyRemoteLink } from '../lazy-remote-link'

/** Remote workers for the Redis URL a person types in Settings (BullMQ loads only then). */
function connectRemote(url: string): LazyRemoteLink {
  return new LazyRemoteLink(url)
}

/** `task-farm serve`: the farm with its window in a browser, on 127.0.0.1 behind a random token. */
export function registerServeCommand(program: Command, cli: CliContext, exit: (code: number) => void): void {
  program
    .command('serve')
    .description(
      'run the farm and serve its window to a browser on 127.0.0.1 (the printed address carries a secret token)',
    )
    .option('--port <n>', 'port to listen on (default: any free port)', nonNegativeInt('--port', 65_535), 0)
    .option('--token <secret>', 'use this token instead of a random one (for scripts; keep it secret)')
    .action(async (o: { port: number; token?: string }) => {
      const served = await serveFarm({ dbPath: cli.dbPath, port: o.port, token: o.token, remote: cli.remoteLink(), connectRemote }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'EADDRINUSE')
            throw new UserError(`Port ${o.port} is already in use; pick another with --port.`, 'port-in-use')
          throw error
        },
      )
      process.stdout.write(
        `Task Farm is serving the farm at ${served.host.url}\nOpen that address in a browser; press Ctrl-C to stop.\n`,
      )
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'))
        process.once('SIGTERM', () => resolve('SIGTERM'))
      })
      process.stdout.write(`Stopping (${signal}): running jobs will resume next time.\n`)
      await served.close()
      exit(exitCodes.ok)
    })
}
