import { availableParallelism } from 'node:os'
import type { JobKind, PoolName } from '../shared/job-spec'

/**
 * The job commands whose workers can be forked before anything else loads: the kind each makes and
 * its pool (`kindTraits[kind].pool`: importing it would load every spec schema first, which is what
 * this avoids; a test keeps the two in step). `run` sizes its pool by `--jobs`, so it waits for its module.
 */
export const earlyJobs: Record<string, { kind: JobKind; pool: PoolName }> = {
  probe: { kind: 'probe', pool: 'cpu' },
  map: { kind: 'module', pool: 'cpu' },
  copy: { kind: 'copy', pool: 'disk' },
  urls: { kind: 'urls', pool: 'network' },
}

/** The command named on the command line (the first word that is not a global option or its value). */
const globalOptionsWithValue = new Set(['--db', '--redis'])
export function invokedCommand(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (globalOptionsWithValue.has(args[i]!)) i++
    else if (args[i] === 'help') return args[i + 1]
    else if (!args[i]!.startsWith('-')) return args[i]
  }
  return undefined
}

/**
 * Worker processes a farm this command runs starts for one job: one per core, but no more than the
 * job has units when its spec says how many (`probe --count 1`, `run … ::: a b`). On two cores a
 * second worker that will get nothing still competes for the CPU while the farm and the first worker
 * boot (about 20 ms of a 150 ms `probe --count 1`). GNU parallel starts no more jobs than inputs either.
 */
export function workersForUnits(units?: number): number {
  return Math.max(1, Math.min(availableParallelism(), units ?? Infinity))
}

/** The value of `--flag V` or `--flag=V` in the words, if given. */
export function optionValue(args: string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const [word, inline] = args[i]!.split('=', 2) as [string, string | undefined]
    if (word === flag) return inline ?? args[i + 1]
  }
  return undefined
}

/** A probe's units (`--count` numbers in items of `--chunk`), when the words say it plainly. */
function probeUnits(args: string[]): number | undefined {
  const count = Number(optionValue(args, '--count'))
  const chunk = Number(optionValue(args, '--chunk') ?? 1)
  return Number.isInteger(count) && Number.isInteger(chunk) && chunk > 0 ? Math.ceil(count / chunk) : undefined
}

/** Options with which the job does not run in this process now (another farm or a later time runs it). */
const runsElsewhere = new Set(['--detach', '--after', '--after-ok', '--at', '--every', '--help', '-h'])

/**
 * The workers `runNewJob` will prestart for this command line, worked out from the words alone, so a
 * job command forks them before it loads commander, its own module and the spec schemas (~70 ms on a
 * quiet machine). Null when the command runs no job here or the words are not plain enough to tell.
 */
export function earlyWorkers(
  command: string | undefined,
  args: string[],
): { pool: PoolName; count: number; kind: JobKind } | null {
  const job = command === undefined ? undefined : earlyJobs[command]
  if (!job) return null
  const help = args.indexOf('help')
  if (help >= 0 && help < args.indexOf(command!)) return null // `task-farm help probe`
  if (args.some((word) => runsElsewhere.has(word.split('=', 1)[0]!))) return null
  const workers = optionValue(args, '--workers')
  if (workers === undefined)
    return { ...job, count: workersForUnits(command === 'probe' ? probeUnits(args) : undefined) }
  const count = Number(workers)
  // 0 (remote hosts only) or a mistake commander reports
  return Number.isInteger(count) && count >= 1 ? { ...job, count } : null
}
