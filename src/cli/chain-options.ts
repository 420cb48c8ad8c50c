import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import type { JobOptions } from '../shared/job-spec'
import { fromJobStates, type FromJobInput } from '../shared/kinds/from-job'
import { UserError } from '../shared/user-error'
import { jobId, oneOf } from './parse-options'

/** `--after ID[,ID…]` and `--after-ok ID[,ID…]`, on every command that makes a job. */
export function addAfterOptions(command: Command): Command {
  return command
    .option(
      '--after <ids>',
      'wait until these jobs have ended (comma-separated ids), then run; one paused, interrupted or timed out holds it until resumed or cancelled',
      ids('--after'),
    )
    .option(
      '--after-ok <ids>',
      'run only once these jobs have completed without errors; otherwise this job ends skipped',
      ids('--after-ok'),
    )
}

/** The jobs to follow, as the job's options (an id given to both is `--after-ok`). */
export function afterOption(o: { after?: number[]; afterOk?: number[] }): Pick<JobOptions, 'after'> {
  const ok = new Set(o.afterOk ?? [])
  const all = [...new Set([...(o.after ?? []), ...ok])]
  return { after: all.map((id) => ({ jobId: id, ok: ok.has(id) })) }
}

/** `--from ID [--state done|failed|all] [--where TEXT]`: inputs are the keys of another job's units. */
export function addFromOptions(command: Command, what: string): Command {
  return command
    .option('--from <id>', `${what} are the keys of this job's units (read when this job starts)`, jobId)
    .option('--state <which>', 'with --from: the units done (default), failed, or all', oneOf('--state', fromJobStates))
    .option('--where <text>', 'with --from: only keys that contain this text')
}

/** The `--from` input, or null when not given (then `--state` and `--where` must not be either). */
export function fromOption(o: { from?: number; state?: FromJobInput['state']; where?: string }): FromJobInput | null {
  if (o.from === undefined) {
    if (o.state !== undefined || o.where !== undefined)
      throw new UserError('--state and --where go with --from ID.', 'bad-input')
    return null
  }
  return { type: 'job', jobId: o.from, state: o.state ?? 'done', ...(o.where ? { where: o.where } : {}) }
}

function ids(name: string): (value: string, previous?: number[]) => number[] {
  return (value, previous = []) => {
    const parts = value.split(',').map((part) => part.trim())
    if (parts.some((part) => part === '')) throw new InvalidArgumentError(`${name} takes job ids such as 3 or 3,4.`)
    return [...previous, ...parts.map(jobId)]
  }
}
