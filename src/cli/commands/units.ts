import type { Command } from 'commander'
import { jobKinds, kindTraits } from '../../shared/job-spec'
import { itemStates } from '../../shared/job-state'
import { checkedFilter, parseWhere, setFilterField } from '../../shared/unit-filter-text'
import { retrySettingsSchema, type RetrySettings, type UnitFilter } from '../../shared/unit-search'
import { UserError } from '../../shared/user-error'
import { exportFormat } from '../../core/export-target'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { print, printJson, table } from '../output'
import { collect, nonNegativeInt, positiveInt } from '../parse-options'
import { runJobMadeBy } from '../run-job'

/** Options that narrow the search, each the same field as in `--where`. */
const filterOptions = ['kind', 'state', 'error', 'text', 'host', 'worker', 'job', 'since', 'until'] as const

/**
 * `task-farm units`: every unit of every job, searched in the history (read-only, while a farm runs),
 * newest first, a keyset page at a time; then act on what it found: retry, export, or their keys.
 */
export function configureUnits(command: Command, cli: CliContext): void {
  command
    .option(
      '--where <filter>',
      'the filter in one text: kind=urls state=failed error=timeout job=3,4 since=1h text="a b"',
    )
    .option('--kind <kinds>', `job kinds, comma separated (${jobKinds.join(', ')})`, collect)
    .option('--state <states>', `unit states (${itemStates.join(', ')})`, collect)
    .option('--error <codes>', 'error codes or URL error classes (exit-1, timeout, http-error…)', collect)
    .option('--text <text>', 'text in the key, the error or the result')
    .option('--host <host>', "a URL unit's host (example.com, 127.0.0.1:8080)")
    .option('--worker <pid>', 'the worker pid that ran a command unit')
    .option('--job <ids>', 'job ids, comma separated', collect)
    .option('--since <time>', 'jobs running since: an age (30m, 2h, 7d) or a date')
    .option('--until <time>', 'jobs created before: an age or a date')
    .option('--oldest', 'oldest first (default: newest first)')
    .option('--limit <n>', 'units per page', positiveInt('--limit', 1000), 50)
    .option('--after <cursor>', 'the next page: the cursor the page before printed', nonNegativeInt('--after'))
    .option('--json', 'print JSON (a page: units and next)')
    .option('--keys', 'print only the keys, once each (a new job from these: … --keys | task-farm urls -)')
    .option('--export <file>', 'write every unit found to a .csv or .json file')
    .option('--force', 'with --export: replace the file')
    .option('--retry', 'run every unit found again, in a new job of their kind')
    .option('--timeout <s>', 'with --retry: seconds one unit may take', Number)
    .option('--retries <n>', 'with --retry: extra tries of a unit that fails', Number)
    .option('--concurrency <n>', 'with --retry: units at once', Number)
    .option('--detach', 'with --retry: return at once; the farm runs the job')
    .action(
      commandAction(async (o) => {
        const filter = filterFrom(o)
        if (o.retry) return retry(cli, filter, o)
        if (o.export) {
          const { path, rows } = await cli.withHistory(async (store) =>
            (await import('../../core/unit-actions')).exportUnits(store, filter, exportFormat(o.export), o.export, {
              overwrite: o.force,
            }),
          )
          return print(`Wrote ${rows} units to ${path}`)
        }
        if (o.keys) {
          const keys = await cli.withHistory(async (store) =>
            (await import('../../core/unit-actions')).keysOf(store, filter),
          )
          return print(keys.join('\n'))
        }
        const page = await cli.withHistory(async (store) =>
          new (await import('../../core/store/unit-search')).UnitSearch(store.db).page({
            filter,
            order: o.oldest ? 'oldest' : 'newest',
            limit: o.limit,
            after: o.after,
          }),
        )
        if (o.json) return printJson(page)
        if (page.units.length === 0) return print(o.after === undefined ? 'No unit matches.' : 'No more units.')
        print(
          table([
            ['JOB', 'KIND', 'STATE', 'ERROR', 'KEY'],
            ...page.units.map((u) => [
              String(u.jobId),
              u.kind,
              u.state,
              u.code ?? errorClassOf(u.result) ?? (u.error ? u.error.split('\n')[0]!.slice(0, 40) : ''),
              u.key,
            ]),
          ]),
        )
        if (page.next !== null) print(`More: --after ${page.next}`)
      }),
    )
}

function errorClassOf(result: unknown): string | undefined {
  const value = (result as { errorClass?: unknown } | null)?.errorClass
  return typeof value === 'string' ? value : undefined
}

function filterFrom(o: Record<string, unknown>): UnitFilter {
  const now = Date.now()
  const filter: Record<string, unknown> = typeof o.where === 'string' ? { ...parseWhere(o.where, now) } : {}
  for (const field of filterOptions) {
    const value = o[field]
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
      setFilterField(filter, field, String(one), now)
  }
  return checkedFilter(filter)
}

async function retry(cli: CliContext, filter: UnitFilter, o: Record<string, unknown>): Promise<number> {
  const parsed = retrySettingsSchema.safeParse({ timeoutS: o.timeout, retries: o.retries, concurrency: o.concurrency })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new UserError(
      `--${issue.path[0] === 'timeoutS' ? 'timeout' : String(issue.path[0])}: ${issue.message}`,
      'bad-setting',
    )
  }
  const settings: RetrySettings = parsed.data
  const found = await cli.withHistory(async (store) =>
    (await import('../../core/unit-actions')).retrySpecFor(store, filter, settings),
  )
  if (!o.json) print(`Retrying ${found.units} units from jobs ${found.sourceJobs.join(', ')}.`)
  // Made through the contract, as the window makes it: the new job's log names where its units came from.
  const make = async (call: Parameters<Parameters<typeof runJobMadeBy>[2]>[0]): Promise<number> =>
    (await call('units.retry', { filter, settings })).jobId
  return runJobMadeBy(cli, kindTraits[found.spec.kind].pool, make, { json: Boolean(o.json), detach: Boolean(o.detach) })
}
