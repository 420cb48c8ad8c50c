import { urlErrorClasses } from './kinds/urls'
import { UserError } from './user-error'
import { unitFilterSchema, type UnitFilter } from './unit-search'

/**
 * A unit filter as people write it, in the CLI (`--where`) and the window's address:
 * `kind=urls state=failed error=timeout job=3,4 since=1h text="two words"`. Lists are comma
 * separated; a time is an age (`90s`, `30m`, `2h`, `7d`) or a date (`2026-12-01`, ISO).
 */
export const whereFieldNames = ['kind', 'state', 'error', 'text', 'host', 'worker', 'job', 'since', 'until'] as const
export type WhereField = (typeof whereFieldNames)[number]
const listFields: readonly WhereField[] = ['kind', 'state', 'error', 'job']

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** An age (`2h`: that long before `now`) or a date, as epoch milliseconds. */
export function parseMoment(text: string, now: number): number {
  const age = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim())
  if (age) return Math.round(now - Number(age[1]) * units[age[2]!]!)
  const at = Date.parse(text)
  if (Number.isNaN(at))
    throw new UserError(
      `"${text}" is not a time: give an age such as 30m, 2h or 7d, or a date such as 2026-12-01.`,
      'bad-filter',
    )
  return at
}

/** Sets one field of a filter from its text (shared by `--where` and the CLI's own options). */
export function setFilterField(filter: Record<string, unknown>, field: string, value: string, now: number): void {
  const list = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
  const numbers = (what: string): number[] =>
    list.map((v) => {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 1) throw new UserError(`"${v}" is not ${what} (a whole number).`, 'bad-filter')
      return n
    })
  const add = (key: string, values: unknown[]): void => {
    filter[key] = [...((filter[key] as unknown[] | undefined) ?? []), ...values]
  }
  switch (field as WhereField) {
    case 'kind':
      return add('kinds', list)
    case 'state':
      return add('states', list)
    case 'error':
      return add('errors', list)
    case 'job':
      return add('jobIds', numbers('a job id'))
    case 'worker':
      filter.worker = numbers('a worker pid')[0]
      return
    case 'since':
    case 'until':
      filter[field] = parseMoment(value, now)
      return
    case 'text':
    case 'host':
      filter[field] = value
      return
    default:
      throw new UserError(`"${field}" is not a unit filter: use ${whereFieldNames.join(', ')}.`, 'bad-filter')
  }
}

/** The `field=value` terms of a filter text, as text (values with spaces in double quotes). */
export function whereFields(text: string): Partial<Record<WhereField, string>> {
  const found: Partial<Record<WhereField, string>> = {}
  const term = /\s*([a-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))/gy
  const source = text.trim()
  let pos = 0
  for (let match = term.exec(source); match; match = term.exec(source)) {
    const field = match[1] as WhereField
    if (!whereFieldNames.includes(field))
      throw new UserError(`"${field}" is not a unit filter: use ${whereFieldNames.join(', ')}.`, 'bad-filter')
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!
    found[field] = found[field] && listFields.includes(field) ? `${found[field]},${value}` : value
    pos = term.lastIndex
  }
  const rest = source.slice(pos).trim()
  if (rest)
    throw new UserError(`Cannot read "${rest}" in the filter: write field=value, such as state=failed.`, 'bad-filter')
  return found
}

/** Fields back to a filter text (what the window keeps in its address and shows as a CLI line). */
export function formatWhere(fields: Partial<Record<WhereField, string>>): string {
  return whereFieldNames
    .filter((f) => fields[f]?.trim())
    .map((f) => {
      const value = fields[f]!.trim()
      return /[\s"]/.test(value) ? `${f}="${value.replace(/["\\]/g, (c) => `\\${c}`)}"` : `${f}=${value}`
    })
    .join(' ')
}

/** Parses `field=value …` into a checked filter. */
export function parseWhere(text: string, now = Date.now()): UnitFilter {
  const filter: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(whereFields(text))) setFilterField(filter, field, value, now)
  return checkedFilter(filter)
}

export function checkedFilter(filter: Record<string, unknown>): UnitFilter {
  const parsed = unitFilterSchema.safeParse(filter)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  throw new UserError(`The filter's ${issue.path.join('.') || 'text'} is not right: ${issue.message}`, 'bad-filter')
}

/**
 * The units behind one group of a job's breakdown (`itemGroup`), as a filter text; null where no
 * filter names that group exactly (a status class, a copy's copied or renamed files).
 */
export function groupWhere(jobId: number, kind: string, group: string | null): string | null {
  const job = String(jobId)
  // Written as `formatWhere` writes it, so the Units view keeps the address it was opened with.
  if (group === null) return formatWhere({ job })
  if (group === 'pending' || group === 'failed') return formatWhere({ state: group, job })
  if (kind === 'urls' && (urlErrorClasses as readonly string[]).includes(group))
    return formatWhere({ state: 'done', error: group, job })
  if (group === 'done' && kind !== 'urls' && kind !== 'copy') return formatWhere({ state: 'done', job })
  return null
}
