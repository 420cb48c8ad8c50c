import { normaliseUrl } from './normalise-url'

export interface UrlListCheck {
  /** Distinct http(s) URLs the job would analyse. */
  valid: number
  /** The first of them (the page the dialog previews its extraction rules on); '' when none. */
  firstValid: string
  duplicates: number
  /** Lines that are not URLs the job can analyse, with why (the first 50). */
  invalid: { line: number; text: string; problem: string }[]
  invalidTotal: number
}

const MAX_LISTED = 50

/**
 * A pasted (or dropped) plain list checked as the plan will read it: blank lines and `#` comments
 * skipped, each other line an absolute http(s) URL. Null for a CSV (a `url` column), which only its plan reads.
 */
export function checkUrlText(text: string): UrlListCheck | null {
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const first = rows.find((row) => row.trim() !== '' && !row.trim().startsWith('#'))
  if (first && first.split(/[,;\t]/).some((cell) => cell.trim().replace(/^"|"$/g, '').toLowerCase() === 'url'))
    return null
  const seen = new Set<string>()
  const check: UrlListCheck = { valid: 0, firstValid: '', duplicates: 0, invalid: [], invalidTotal: 0 }
  rows.forEach((row, index) => {
    const candidate = row.trim()
    if (candidate === '' || candidate.startsWith('#')) return
    const url = normaliseUrl(candidate)
    if (!url.ok) {
      if (check.invalid.length < MAX_LISTED)
        check.invalid.push({ line: index + 1, text: candidate, problem: url.problem })
      check.invalidTotal++
    } else if (seen.has(url.url)) check.duplicates++
    else {
      if (seen.size === 0) check.firstValid = url.url
      seen.add(url.url)
    }
  })
  check.valid = seen.size
  return check
}
