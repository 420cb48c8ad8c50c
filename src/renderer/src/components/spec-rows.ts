import { quote } from 'shell-quote'
import { formatBytes } from '../../../shared/format'
import type { CrawlInput } from '../../../shared/kinds/crawl'
import { crawlText } from '../../../shared/kinds/crawl-scope'
import { fromJobText, type FromJobInput } from '../../../shared/kinds/from-job'

/** `ignoreFreeSpace` → `Ignore free space`. */
export function humanize(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

type Input =
  | { type: 'list'; values: string[] }
  | { type: 'file'; path: string }
  | { type: 'files'; dir: string; glob: string }
  | { type: 'text'; text: string }
  | { type: 'sitemap'; source: string }
  | CrawlInput
  | FromJobInput

/** Where a job's inputs come from, as the person gave them. */
function describeInput(input: Input): string {
  switch (input.type) {
    case 'list': {
      const shown = input.values.slice(0, 3).join(', ')
      return `${input.values.length} given with the job${shown ? `: ${shown}${input.values.length > 3 ? ', …' : ''}` : ''}`
    }
    case 'file':
      return `each line of ${input.path}`
    case 'files':
      return `each file matching ${input.glob} in ${input.dir}`
    case 'text':
      return `${input.text.split('\n').filter((l) => l.trim()).length} pasted lines`
    case 'job':
      return fromJobText(input)
    case 'sitemap':
      return `the pages of the sitemap ${input.source}`
    case 'crawl':
      return crawlText(input)
  }
}

function describe(key: string, value: unknown, spec: Record<string, unknown>): string | null {
  if (value === undefined || value === null) return null
  // The command as a command line, the way it was typed, not a comma-joined argument list.
  if (key === 'command' && Array.isArray(value))
    return spec.shell ? value.join(' ') : quote(value.map(String)).replaceAll('\\{', '{').replaceAll('\\}', '}')
  if (Array.isArray(value)) return value.length === 0 ? null : value.join(', ')
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'object') {
    if ('type' in value) return describeInput(value as Input)
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.length === 0) return null
    if (key === 'halt') {
      const halt = value as { when: string; fail: number }
      return `${halt.when === 'now' ? 'at once' : 'after running units end'}, after ${halt.fail} failures`
    }
    return entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
  }
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The spec's rows as the person entered them; empty settings (no env, no filters) are left out. */
export function specRows(spec: Record<string, unknown>): (readonly [string, string])[] {
  const rows: (readonly [string, string])[] = []
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'kind') continue
    const text = describe(key, value, spec)
    if (text !== null) rows.push([key === 'input' ? 'Inputs' : humanize(key), text] as const)
  }
  return rows
}

/** A plan's figures: byte counts in human units (not 81295597568), the rest as counted. */
export function factRows(facts: Record<string, number | string | boolean>): (readonly [string, string])[] {
  return Object.entries(facts).map(
    ([key, value]) =>
      [humanize(key), typeof value === 'number' && /bytes$/i.test(key) ? formatBytes(value) : String(value)] as const,
  )
}
