import type { DataTableColumns } from 'naive-ui'
import { h } from 'vue'
import type { ItemRow } from '../../../shared/api-types'
import { formatBytes } from '../../../shared/format'
import { commandColumns, keyAndState, moduleColumns } from './command-columns'

type Cell = string | number | boolean | null

/** Fields a person looks at first, when a kind's results have them; the rest follow as found. */
const firstFields = [
  'status',
  'title',
  'errorClass',
  'finalUrl',
  'contentType',
  'ttfbMs',
  'totalMs',
  'bodyBytes',
  'wordCount',
  'h1',
  'depth',
  'foundFrom',
]
/** Column titles for known result fields; others are shown as their name. */
const fieldTitles: Record<string, [title: string, width: number]> = {
  status: ['Status', 80],
  title: ['Title', 260],
  errorClass: ['Error class', 130],
  finalUrl: ['Final URL', 240],
  contentType: ['Content type', 170],
  ttfbMs: ['TTFB (ms)', 100],
  totalMs: ['Total (ms)', 100],
  bodyBytes: ['Body bytes', 110],
  wordCount: ['Words', 90],
  h1: ['First heading (H1)', 200],
  h1Count: ['Headings (H1)', 130],
  errorMessage: ['Problem', 240],
  metaDescription: ['Description', 240],
  metaRobots: ['Robots meta tag', 150],
  canonical: ['Canonical URL', 220],
  charset: ['Character set', 130],
  truncated: ['Cut at size limit', 150],
  lang: ['Language', 110],
  internalLinks: ['Links inside the site', 170],
  externalLinks: ['Links to other sites', 170],
  images: ['Images', 90],
  // A crawl's page: how it was found.
  depth: ['Depth', 80],
  foundFrom: ['Found from', 240],
}
/**
 * Fields that repeat the item's key, or that the shared columns show: a URL's own attempts are the
 * one Attempts column (no second one that disagrees).
 */
const hiddenFields = new Set(['url', 'attempts'])

/** The prefix of a field that is one of the job's own extraction columns, shown by the name given. */
const EXTRACTED = 'extracted.'

/** A title in words for any field: the list above, else `someFieldName` → "Some field name". */
export function fieldTitle(field: string): [title: string, width: number] {
  if (field.startsWith(EXTRACTED)) {
    const name = field.slice(EXTRACTED.length)
    return [name, Math.max(140, name.length * 8 + 44)]
  }
  const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  const [title, width] = fieldTitles[field] ?? [words.charAt(0).toUpperCase() + words.slice(1), 130]
  // Wide enough for the whole title and the sort arrow: a header never shrinks to "S…".
  return [title, Math.max(width, title.length * 8 + 44)]
}

/** Tries of a unit: the engine's, or the URL's own retries when it counted more. */
export function attemptsOf(row: ItemRow): number {
  const own = (row.result as { attempts?: unknown } | null)?.attempts
  return typeof own === 'number' ? Math.max(own, row.attempts) : row.attempts
}

/** The result's plain fields (status, title, timings…), found from the rows themselves. */
export function resultFields(rows: readonly ItemRow[], sample = 200): string[] {
  const fields = new Set<string>()
  for (const row of rows.slice(0, sample)) {
    const result = row.result
    if (!result || typeof result !== 'object' || Array.isArray(result)) continue
    // A URL job's own columns (`extract`) come as one object: each is a column of its own.
    const extracted = (result as { extracted?: unknown }).extracted
    if (extracted && typeof extracted === 'object')
      for (const name of Object.keys(extracted)) fields.add(`${EXTRACTED}${name}`)
    for (const [key, value] of Object.entries(result)) {
      if (!hiddenFields.has(key) && (value === null || ['string', 'number', 'boolean'].includes(typeof value)))
        fields.add(key)
    }
  }
  const rank = (field: string): number =>
    firstFields.includes(field) ? firstFields.indexOf(field) : firstFields.length
  return [...fields].sort((a, b) => rank(a) - rank(b))
}

const cell = (row: ItemRow, field: string): Cell => {
  const result = row.result as Record<string, unknown> | null
  const value = field.startsWith(EXTRACTED)
    ? (result?.extracted as Record<string, unknown> | undefined)?.[field.slice(EXTRACTED.length)]
    : result?.[field]
  return value === undefined ? null : (value as Cell)
}
// Cells are plain spans: a tooltip or tag component per cell is what makes 50,000-row tables
// stutter while scrolling. The full text is in the title attribute.
const text = (value: string) => h('span', { class: 'cell', title: value }, value)

const compare = (a: Cell, b: Cell): number =>
  a === b
    ? 0
    : a === null
      ? -1
      : b === null
        ? 1
        : typeof a === 'number' && typeof b === 'number'
          ? a - b
          : String(a).localeCompare(String(b))

/** Table columns for a job's items; every value is rendered as text. */
export function itemColumns(kind: string, fields: readonly string[]): DataTableColumns<ItemRow> {
  if (kind === 'command') return commandColumns()
  if (kind === 'module') return moduleColumns()
  const columns: DataTableColumns<ItemRow> = keyAndState(
    kind === 'urls' ? 'URL' : kind === 'copy' ? 'File' : 'Item',
    280,
  )
  if (kind === 'copy')
    columns.push({
      title: 'Size',
      key: 'size',
      width: 100,
      sorter: (a, b) => a.size - b.size,
      render: (row) => formatBytes(row.size),
    })
  for (const field of fields) {
    const [title, width] = fieldTitle(field)
    columns.push({
      title,
      key: `result.${field}`,
      width,
      ellipsis: true,
      resizable: true,
      sorter: (a, b) => compare(cell(a, field), cell(b, field)),
      render: (row) => {
        const value = cell(row, field)
        return value === null ? '–' : text(String(value))
      },
    })
  }
  columns.push({
    title: 'Attempts',
    key: 'attempts',
    width: 100,
    sorter: (a, b) => attemptsOf(a) - attemptsOf(b),
    render: (row) => String(attemptsOf(row)),
  })
  columns.push({ title: 'Error', key: 'error', width: 300, ellipsis: true, render: (row) => text(row.error ?? '') })
  return columns
}
