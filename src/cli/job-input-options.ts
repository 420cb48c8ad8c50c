import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { dirname, join, resolve } from 'node:path'
import type { JobInput } from '../shared/kinds/command'
import { UserError } from '../shared/user-error'
import { fromOption } from './chain-options'

export interface InputOptions {
  input?: string
  files?: string
  glob?: string
  from?: number
  state?: 'done' | 'failed' | 'all'
  where?: string
}

/**
 * Where a run or map job's inputs come from: `::: a b c` after the command, `--input FILE`,
 * `--input -` (standard input, kept in a file beside the history so a resume can read it again),
 * `--files DIR [--glob PATTERN]`, or `--from ID` (another job's units). Exactly one of them.
 */
export async function jobInputFrom(o: InputOptions, listed: string[] | null, dbPath: string): Promise<JobInput> {
  const from = fromOption(o)
  const given = [listed !== null, o.input !== undefined, o.files !== undefined, from !== null].filter(Boolean).length
  if (given === 0)
    throw new UserError(
      'Give the inputs: --input FILE, --input - (standard input), --files DIR, --from ID, or ::: a b c.',
      'no-input',
    )
  if (given > 1) throw new UserError('Give the inputs one way only: --input, --files, --from or :::.', 'bad-input')
  if (from) return from
  if (o.glob !== undefined && o.files === undefined) throw new UserError('--glob needs --files DIR.', 'bad-input')
  if (listed !== null) {
    if (listed.length === 0) throw new UserError('::: is followed by no inputs.', 'no-input')
    return { type: 'list', values: listed }
  }
  if (o.files !== undefined) return { type: 'files', dir: resolve(o.files), glob: o.glob ?? '**/*' }
  if (o.input === '-') return { type: 'file', path: await spoolStdin(dbPath), growing: true }
  return { type: 'file', path: resolve(o.input!) }
}

/** Splits `CMD ARGS... ::: a b c` into the command and the listed inputs (null when there is no `:::`). */
export function splitListedInputs(words: string[]): { command: string[]; listed: string[] | null } {
  const at = words.indexOf(':::')
  return at < 0 ? { command: words, listed: null } : { command: words.slice(0, at), listed: words.slice(at + 1) }
}

/**
 * Copies standard input into `<history folder>/inputs/`, where the job's plan (and any resume) reads
 * it. The copy goes on while the job runs: `<file>.writing` holds this process's pid until standard
 * input ends, and the plan follows the file that long, so work starts before the input ends.
 */
async function spoolStdin(dbPath: string): Promise<string> {
  const folder = join(dirname(resolve(dbPath)), 'inputs')
  mkdirSync(folder, { recursive: true })
  const path = join(folder, `stdin-${Date.now()}-${process.pid}.txt`)
  writeFileSync(`${path}.writing`, String(process.pid))
  const out = createWriteStream(path)
  await once(out, 'open')
  process.stdin.pipe(out)
  void finished(out)
    .catch(() => {})
    .finally(() => rmSync(`${path}.writing`, { force: true }))
  return path
}
