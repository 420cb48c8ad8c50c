import type { Command } from 'commander'
import type { PoolInfo } from '../../shared/api-types'
import { formatBytes } from '../../shared/format'
import { poolNames, type PoolName } from '../../shared/job-spec'
import { UserError } from '../../shared/user-error'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { print, printJson, report, table } from '../output'
import { nonNegativeSeconds, oneOf } from '../parse-options'

const actions = ['resize', 'autoscale', 'recycle', 'pause', 'resume', 'close', 'terminate'] as const
type PoolAction = (typeof actions)[number]

/**
 * `pools`: the pools with their live workers, like `ps`; `pools resize POOL N`, `pools autoscale POOL
 * MIN MAX [--idle S]` (or `off`), `pools recycle POOL N` and `pools pause|resume|close|terminate POOL`
 * act on the running farm (Python's Pool, from a terminal).
 */
export function configurePools(command: Command, cli: CliContext): void {
  command
    .usage(
      '[options] [resize POOL N | autoscale POOL MIN MAX [--idle S] | autoscale POOL off | recycle POOL N | pause|resume|close|terminate POOL]',
    )
    .argument('[action]', actions.join('|'), oneOf('action', actions))
    .argument('[pool]', poolNames.join('|'), oneOf('pool', poolNames))
    .argument(
      '[values...]',
      'resize: workers (1 to 64); autoscale: MIN MAX, or off; recycle: tasks per worker (0: never)',
    )
    .option(
      '--idle <s>',
      'autoscale: seconds workers stay idle before the pool shrinks',
      nonNegativeSeconds('--idle'),
      30,
    )
    .option('--json', 'print JSON')
    .action(
      commandAction(async (action: PoolAction | undefined, pool: PoolName | undefined, values: string[], o) => {
        if (!action) return showPools(cli, o.json)
        if (!pool) throw new UserError(`Say which pool to ${action}: ${poolNames.join(', ')}.`)
        if (action === 'resize') return resizePool(cli, pool, values, o.json)
        if (action === 'autoscale') return autoscalePool(cli, pool, values, o.idle, o.json)
        if (action === 'recycle') {
          const tasks = whole(
            values[0],
            'Say after how many tasks: `task-farm pools recycle POOL N` (0: never).',
            0,
            1_000_000,
          )
          await cli.call('pools.recycle', { pool, tasks })
          const said = tasks ? `are replaced after ${tasks} task${tasks === 1 ? '' : 's'} each` : 'are never recycled'
          return report(o.json, `The ${pool} pool's workers ${said}.`, { pool, recycleAfter: tasks })
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

/** A whole number from the words after the pool, or one sentence saying what was expected. */
function whole(word: string | undefined, missing: string, min: number, max: number): number {
  if (word === undefined) throw new UserError(missing)
  const n = Number(word)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UserError(`"${word}" is not a whole number from ${min} to ${max}.`, 'bad-argument')
  return n
}

async function resizePool(cli: CliContext, pool: PoolName, values: string[], json: boolean | undefined): Promise<void> {
  const size = whole(values[0], 'Say how many workers: `task-farm pools resize POOL N`.', 1, 64)
  // A closed pool asked for workers reopens (the farm does it): say so, not just the count.
  const owner = await cli.owner()
  const wasClosed = owner ? (await owner.call('pools.list', {})).some((p) => p.name === pool && p.closed) : false
  await cli.call('pools.resize', { pool, size })
  const workers = `${size} worker${size === 1 ? '' : 's'}`
  report(
    json,
    wasClosed ? `The ${pool} pool was closed: it is reopened with ${workers}.` : `The ${pool} pool now has ${workers}.`,
    { pool, size, reopened: wasClosed },
  )
}

async function autoscalePool(
  cli: CliContext,
  pool: PoolName,
  values: string[],
  idleSeconds: number,
  json: boolean | undefined,
): Promise<void> {
  if (values[0] === 'off') {
    await cli.call('pools.autoscale', { pool, autoscale: null })
    return report(json, `The ${pool} pool keeps the size it has: autoscale is off.`, { pool, autoscale: null })
  }
  const usage = 'Say the bounds: `task-farm pools autoscale POOL MIN MAX [--idle SECONDS]`, or `off`.'
  const min = whole(values[0], usage, 1, 64)
  const max = whole(values[1], usage, 1, 64)
  if (min > max) throw new UserError(`The minimum (${min}) is above the maximum (${max}).`, 'bad-argument')
  const autoscale = { min, max, idleSeconds }
  await cli.call('pools.autoscale', { pool, autoscale })
  report(
    json,
    `The ${pool} pool now follows the queue: ${min} to ${max} workers, shrinking after ${idleSeconds} s idle.`,
    { pool, autoscale },
  )
}

async function showPools(cli: CliContext, json: boolean | undefined): Promise<void> {
  const live = (await cli.owner()) !== null
  const pools = await cli.call('pools.list', {})
  if (json) return printJson({ running: live, pools })
  if (!live) print('No farm is running on this history: the pools as the next farm will start them.')
  print(
    table([
      ['POOL', 'WORKERS', 'TASKS/WORKER', 'JOBS AT ONCE', 'RUNNING', 'QUEUED', 'STATE', 'JOB SLOTS IN USE', 'SIZE'],
      ...pools.map((p) => [
        p.name,
        p.autoscale ? `${p.size} (${p.autoscale.min}–${p.autoscale.max})` : String(p.size),
        String(p.tasksPerWorker),
        String(p.maxRunningJobs),
        String(p.runningJobs),
        String(p.queuedJobs),
        poolState(p),
        (p.jobSlots ?? []).map((j) => `#${j.jobId} ${j.inUse}/${j.slots ?? '–'}`).join(' '),
        sizeNote(p),
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

/** Why the pool has its size, and when its workers are recycled. */
function sizeNote(pool: PoolInfo): string {
  const recycle = pool.maxTasksPerWorker ? `; recycled after ${pool.maxTasksPerWorker} tasks` : ''
  return `${pool.sizeReason ?? 'fixed size'}${recycle}`
}

/** What happens next, in one sentence, after each action. */
const poolActionDone: Record<Exclude<PoolAction, 'resize' | 'autoscale' | 'recycle'>, (pool: PoolName) => string> = {
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
