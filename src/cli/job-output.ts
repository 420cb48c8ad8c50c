import type { ItemRow } from '../shared/api-types'
import type { CommandResult } from '../shared/kinds/command'
import type { CliContext } from './cli-context'
import { followResults, followUnits, type JobStream } from './unit-stream'

/**
 * What `run` and `map` print of their units on standard output, and `resume` and `retry` of their
 * jobs: the commands' output (GNU parallel), the function's results (`Pool.map`), or unit events.
 */

/** `run`: each command's output in one piece once it has finished; `--json`: an event a unit. */
export function commandOutput(cli: CliContext, keepOrder: boolean, json: boolean): JobStream {
  return followUnits(cli, keepOrder, json ? printCommandEvent : printCommandOutput)
}

/** `map`: the results, a JSON value a line in input order; `--json`: an event a unit, in input order. */
export function mapOutput(cli: CliContext, json: boolean): JobStream {
  return json ? followUnits(cli, true, printMapEvent) : followResults(cli, printResults)
}

/**
 * What `resume` and `retry` print of a job's units, by its kind; null for kinds whose units print
 * nothing (their progress and end line then stay on standard output).
 */
export function outputAgain(
  cli: CliContext,
  kind: string | undefined,
  { json, keepOrder }: { json: boolean; keepOrder: boolean },
): JobStream | null {
  if (kind === 'command') return commandOutput(cli, keepOrder, json)
  // A map's output is its whole list, in input order: the earlier run's results come again with the rest.
  if (kind === 'module') return { ...mapOutput(cli, json), passOver() {} }
  return null
}

function printCommandEvent(item: ItemRow): void {
  const r = item.result as CommandResult | null
  process.stdout.write(
    `${JSON.stringify({ event: 'unit', id: item.id, input: item.key, state: item.state, ...r, error: item.error })}\n`,
  )
}

/** Like GNU parallel's default: each run's output in one piece once it has finished. */
function printCommandOutput(item: ItemRow): void {
  const r = item.result as CommandResult | null
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[2K')
  if (r?.stdout) process.stdout.write(r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`)
  if (r?.stderr) process.stderr.write(r.stderr.endsWith('\n') ? r.stderr : `${r.stderr}\n`)
}

function printMapEvent(item: ItemRow): void {
  process.stdout.write(
    `${JSON.stringify({ event: 'unit', id: item.id, input: item.key, state: item.state, result: item.result, error: item.error })}\n`,
  )
}

/** Like `Pool.map`'s list, a line a result; a progress bar on the same terminal is cleared first (it comes back). */
function printResults(text: string): void {
  process.stdout.write((process.stdout.isTTY ? '\r\x1b[2K' : '') + text)
}
