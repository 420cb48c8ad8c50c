import type { JobSpec } from '../shared/job-spec'
import { UserError } from '../shared/user-error'
import { UNIT_ACTION_LIMIT, type FoundUnit, type RetrySettings, type UnitFilter } from '../shared/unit-search'
import { checkExportTarget } from './export-target'
import type { JobQueries } from './store/job-queries'
import { storedSpec } from './store/job-queries'
import { UnitSearch } from './store/unit-search'

/** Kinds whose units can run again in a job of their own: their keys are the job's inputs. */
const retryableKinds = ['urls', 'command', 'module'] as const
type RetryableKind = (typeof retryableKinds)[number]

export interface UnitsRetry {
  spec: JobSpec
  /** How many units the new job runs, and from which jobs. */
  units: number
  sourceJobs: number[]
}

/** Every unit a filter finds, at most `UNIT_ACTION_LIMIT` of them (an action on more is refused). */
function foundUnits(store: JobQueries, filter: UnitFilter): FoundUnit[] {
  const units = [...new UnitSearch(store.db).each(filter, UNIT_ACTION_LIMIT + 1)]
  if (units.length === 0) throw new UserError('No unit matches this filter.', 'no-units')
  if (units.length > UNIT_ACTION_LIMIT)
    throw new UserError(
      `More than ${UNIT_ACTION_LIMIT.toLocaleString('en')} units match: narrow the filter to act on them.`,
      'too-many-units',
    )
  return units
}

/**
 * "Retry these": a new job of the found units' kind that runs exactly their keys, with the newest
 * source job's spec and the new settings. It is a job like any other (queued, durable, resumable).
 * Copies and probes are refused: their units are not inputs (`task-farm retry ID` retries a copy).
 */
export function retrySpecFor(store: JobQueries, filter: UnitFilter, settings: RetrySettings): UnitsRetry {
  const units = foundUnits(store, filter)
  const kinds = new Set(units.map((u) => u.kind))
  if (kinds.size > 1)
    throw new UserError(
      `The units found are of ${[...kinds].join(' and ')} jobs: retry one kind at a time.`,
      'mixed-kinds',
    )
  const kind = units[0]!.kind as RetryableKind
  if (!retryableKinds.includes(kind))
    throw new UserError(
      `Units of ${kind} jobs cannot run in a new job: retry their job instead (task-farm retry ID).`,
      'not-retryable',
    )
  const sourceJobs = [...new Set(units.map((u) => u.jobId))].sort((a, b) => a - b)
  const specs = sourceJobs.map((id) => storedSpec(store.job(id)!))
  const base = specs.at(-1)!
  if (base.kind === 'command' || base.kind === 'module') {
    const what = (s: JobSpec): string =>
      JSON.stringify(s.kind === 'command' ? [s.command, s.shell] : s.kind === 'module' ? s.module : null)
    if (specs.some((s) => what(s) !== what(base)))
      throw new UserError(
        `The units found come from ${base.kind} jobs that run different ${base.kind === 'command' ? 'commands' : 'modules'}: narrow the filter to one (--job).`,
        'mixed-specs',
      )
  }
  const keys = [...new Set(units.map((u) => u.key))]
  return { spec: withSettings(base, keys, settings), units: keys.length, sourceJobs }
}

function withSettings(base: JobSpec, keys: string[], s: RetrySettings): JobSpec {
  switch (base.kind) {
    case 'urls':
      return {
        ...base,
        input: { type: 'text', text: `${keys.join('\n')}\n` },
        ...(s.timeoutS !== undefined && { timeoutMs: Math.round(s.timeoutS * 1000) }),
        ...(s.retries !== undefined && { retries: s.retries }),
        ...(s.concurrency !== undefined && { concurrency: s.concurrency }),
      }
    case 'command':
      return {
        ...base,
        input: { type: 'list', values: keys },
        ...(s.timeoutS !== undefined && { timeoutS: s.timeoutS }),
        ...(s.retries !== undefined && { retries: s.retries }),
        ...(s.concurrency !== undefined && { jobs: s.concurrency }),
      }
    case 'module':
      if (s.timeoutS !== undefined) throw new UserError('A module job has no timeout to set.', 'bad-setting')
      return {
        ...base,
        input: { type: 'list', values: keys },
        ...(s.retries !== undefined && { retries: s.retries }),
        ...(s.concurrency !== undefined && { concurrency: s.concurrency }),
      }
    default:
      throw new Error(`no retry for ${base.kind}`)
  }
}

/** "New job from these": the found units' keys, once each, in the order they ran (a new job's inputs). */
export function keysOf(store: JobQueries, filter: UnitFilter): string[] {
  return [...new Set(foundUnits(store, filter).map((u) => u.key))]
}

export const unitExportColumns = ['job', 'kind', 'key', 'state', 'attempts', 'error', 'code', 'result'] as const

/** "Export these": every unit found, oldest first, as CSV or JSON (the same writer as a job's export). */
export async function exportUnits(
  store: JobQueries,
  filter: UnitFilter,
  format: 'csv' | 'json',
  file: string,
  options: { overwrite?: boolean } = {},
): Promise<{ path: string; rows: number }> {
  const path = checkExportTarget(file, format, 0, null, options.overwrite ?? false)
  const search = new UnitSearch(store.db)
  function* rows(): Generator<Record<string, unknown>> {
    for (const u of search.each(filter)) {
      yield {
        job: u.jobId,
        kind: u.kind,
        key: u.key,
        state: u.state,
        attempts: u.attempts,
        error: u.error,
        code: u.code,
        result: format === 'csv' ? JSON.stringify(u.result) : u.result,
      }
    }
  }
  return { path, rows: await (await import('./export-job')).writeRows(path, format, unitExportColumns, rows()) }
}
