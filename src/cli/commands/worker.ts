import { availableParallelism, hostname } from 'node:os'
import { InvalidArgumentError, type Command } from 'commander'
import { bundledWorkerEntry } from '../../core/bundle-paths'
import { childProcessLauncher } from '../../core/child-process-worker'
import { isRemotePool, remotePools, type RemotePool } from '../../remote/remote-pools'
import { UserError } from '../../shared/user-error'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { positiveInt } from '../parse-options'

function poolList(value: string): RemotePool[] {
  const pools = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  const wrong = pools.find((p) => !isRemotePool(p))
  if (wrong || pools.length === 0)
    throw new InvalidArgumentError(
      `--pools takes ${remotePools.join(' and/or ')} (copy jobs need the farm's own disk and never run remotely).`,
    )
  return pools as RemotePool[]
}

/** `task-farm worker`: lend this machine's cores to a farm through Redis. */
export function configureWorker(command: Command, cli: CliContext): void {
  command
    .option(
      '--redis <url>',
      "the farm's Redis: redis://[user:password@]HOST:PORT, or rediss:// for TLS (default: $TASK_FARM_REDIS)",
    )
    .option('--pools <list>', 'pools to serve: network (URL analysis), cpu (command and probe jobs)', poolList, [
      ...remotePools,
    ])
    .option(
      '--concurrency <n>',
      'worker processes on this machine (default: one per core)',
      positiveInt('--concurrency', 1024),
    )
    .option('--name <name>', "how the farm's Pools view names this host (default: its hostname)")
    .option(
      '--allow-modules',
      "also run module jobs: code the farm sends runs here with this user's rights (only with a farm you trust)",
    )
    .option(
      '--allow-commands',
      "also run command jobs: commands the farm names run here with this user's rights (only with a farm you trust)",
    )
    .option(
      '--key-file <path>',
      "the farm's key (remote.key in its history's folder), which signs every batch (default: $TASK_FARM_REMOTE_KEY)",
    )
    .action(
      commandAction(
        async (o: {
          redis?: string
          pools: RemotePool[]
          concurrency?: number
          name?: string
          allowModules?: boolean
          allowCommands?: boolean
          keyFile?: string
        }) => {
          const url = o.redis ?? cli.redisUrl
          if (!url)
            throw new UserError(
              "Give the farm's Redis with --redis redis://HOST:PORT (or set TASK_FARM_REDIS).",
              'no-redis',
            )
          // BullMQ loads only for this command, never for the CLI's other commands.
          const { RemoteHost, RemoteSigner, checkRedisUrl, hostKey } = await import('../../remote')
          checkRedisUrl(url)
          const signer = new RemoteSigner(hostKey(o.keyFile))
          const host = new RemoteHost({
            url,
            pools: o.pools,
            processes: o.concurrency ?? Math.max(1, availableParallelism()),
            name: o.name ?? hostname(),
            allowModules: o.allowModules ?? false,
            allowCommands: o.allowCommands ?? false,
            signer,
            launcher: childProcessLauncher(bundledWorkerEntry()),
            log: (line) => process.stderr.write(`${line}\n`),
            lockDurationMs: envNumber('TASK_FARM_REMOTE_LOCK_MS'),
            stalledIntervalMs: envNumber('TASK_FARM_REMOTE_STALLED_MS'),
          })
          await host.start()
          const onSignal = (): void => {
            // Once: finish the batches in hand; twice: leave now (other hosts take them over).
            process.stderr.write('Draining: finishing the batches in hand (Ctrl-C again to leave now).\n')
            process.once('SIGINT', () => void host.stop())
            void host.drain()
          }
          process.once('SIGINT', onSignal)
          process.once('SIGTERM', () => void host.stop())
          await host.ended
        },
      ),
    )
}

/** Lock and stalled-check periods, for tests that kill hosts and should not wait the default seconds. */
function envNumber(name: string): number | undefined {
  const value = Number(process.env[name])
  return Number.isInteger(value) && value > 0 ? value : undefined
}
