import type { Command } from 'commander'
import type { PoolInfo } from '../../shared/api-types'
import { formatBytes } from '../../shared/format'
import { poolNames, type PoolName } from '../../shared/job-spec'
import { UserError } from '../../shared/user-error'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { print, printJson, report, table } from '../output'
import { integer, oneOf } from '../parse-options'

const actions = ['resize', 'pause', 'resume', 'close', 'terminate'] as const
type PoolAction = (typeof actions)[number]

/**
 * `pools`: the pools with their live workers, like `ps`; `pools resize POOL N` and
 * `pools pause|resume|close|terminate POOL` act on the running farm (Python's Pool, from a terminal).
 */
export function configurePools(command: Command, cli: CliContext): void {
  command
    .usage('[options] [resize POOL N | pause|resume|close|terminate POOL]')
    .argument('[action]', actions.join('|'), oneOf('action', actions))
    .argument('[pool]', poolNames.join('|'), oneOf('pool', poolNames))
    .argument('[size]', 'workers, for resize (1 to 64)', integer('size', 1, 64))
    .option('--json', 'print JSON')
    .action(
      commandAction(async (action: PoolAction | undefined, pool: PoolName | undefined, size: number | undefined, o) => {
        if (!action) return showPools(cli, o.json)
        if (!pool) throw new UserError(`Say which pool to ${action}: ${poolNames.join(', ')}.`)
        if (action === 'resize') {
          if (size === undefined) throw new UserError('Say how many workers: `task-farm pools resize POOL N`.')
          // A closed pool asked for workers reopens (the farm does it): say so, not just the count.
          const owner = await cli.owner()
          const wasClosed = owner
            ? (await owner.call('pools.list', {})).some((p) => p.name === pool && p.closed)
            : false
          await cli.call('pools.resize', { pool, size })
          const workers = `${size} worker${size === 1 ? '' : 's'}`
          return report(
            o.json,
            wasClosed
              ? `The ${pool} pool was closed: it is reopened with ${workers}.`
              : `The ${pool} pool now has ${workers}.`,
            { pool, size, reopened: wasClosed },
          )
        }
        // Without a running farm a pool has no workers to pause or stop: saying "done" would be a lie.
        if (!(await cli.owner()))
          throw new UserError(
            `No farm is running on ${cli.dbPath}, so the ${pool} pool has no workers to ${action}.`,
            'no-farm',
          )
        await cli.call(`pools.${action}`, { pool })
        report(o.json, poolActionDone[action](pool), { pool, action, ok: true })
      }),
    )
}

async function showPools(cli: CliContext, json: boolean | undefined): Promise<void> {
  const live = (await cli.owner()) !== null
  const pools = await cli.call('pools.list', {})
  if (json) return printJson({ running: live, pools })
  if (!live) print('No farm is running on this history: the pools as the next farm will start them.')
  print(
    table([
      ['POOL', 'WORKERS', 'TASKS/WORKER', 'JOBS AT ONCE', 'RUNNING', 'QUEUED', 'STATE', 'JOB SLOTS IN USE'],
      ...pools.map((p) => [
        p.name,
        String(p.size),
        String(p.tasksPerWorker),
        String(p.maxRunningJobs),
        String(p.runningJobs),
        String(p.queuedJobs),
        poolState(p),
        (p.jobSlots ?? []).map((j) => `#${j.jobId} ${j.inUse}/${j.slots ?? '–'}`).join(' '),
      ]),
    ]),
  )
  const workers = pools.flatMap((p) => p.workers.map((w) => ({ pool: p.name, ...w })))
  if (workers.length === 0) return
  print('')
  print(
    table([
      ['POOL', 'PID', 'STATE', 'JOB', 'TASKS', 'CPU', 'MEM', 'CURRENT'],
      ...workers.map((w) => [
        w.pool,
        String(w.pid ?? '–'),
        w.state,
        w.jobId === null ? '–' : String(w.jobId),
        String(w.tasksDone),
        w.cpuPercent === null ? '–' : `${w.cpuPercent.toFixed(0)}%`,
        w.memoryBytes === null ? '–' : formatBytes(w.memoryBytes),
        w.current ?? '',
      ]),
    ]),
  )
}

/** What happens next, in one sentence, after each action. */
const poolActionDone: Record<Exclude<PoolAction, 'resize'>, (pool: PoolName) => string> = {
  pause: (pool) => `The ${pool} pool is paused: its jobs wait until \`task-farm pools resume ${pool}\`.`,
  resume: (pool) => `The ${pool} pool is open: its jobs go on.`,
  close: (pool) =>
    `The ${pool} pool is closed: its running jobs finish, queued ones wait until \`task-farm pools resume ${pool}\`.`,
  terminate: (pool) =>
    `The ${pool} pool's workers are killed and the pool is closed: its jobs keep their unfinished items and wait until \`task-farm pools resume ${pool}\`.`,
}

function poolState(pool: PoolInfo): string {
  if (pool.closed) return 'closed'
  return pool.paused ? 'paused' : 'open'
}
