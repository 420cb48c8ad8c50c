import { describe, expect, it } from 'vitest'
import type { ItemRow } from '../../src/shared/api-types'
import { attemptsOf, fieldTitle, itemColumns, resultFields } from '../../src/renderer/src/components/item-columns'

const urlRow = (result: Record<string, unknown>, attempts = 1): ItemRow => ({
  id: 1,
  key: 'https://a.example/',
  state: 'done',
  attempts,
  size: 0,
  error: null,
  result,
})

describe('URL results columns in people’s words', () => {
  const result = {
    url: 'https://a.example/',
    status: 200,
    errorMessage: null,
    metaDescription: 'x',
    h1Count: 1,
    attempts: 3,
    internalLinks: 4,
    someNewField: 1,
  }

  it('titles every field in words, wide enough for its title, with one attempts column', () => {
    const columns = itemColumns('urls', resultFields([urlRow(result)])) as { title?: string; width?: number }[]
    const titles = columns.map((c) => c.title)
    for (const code of ['errorMessage', 'metaDescription', 'h1Count', 'internalLinks', 'someNewField'])
      expect(titles).not.toContain(code)
    expect(titles).toContain('Some new field')
    expect(titles.filter((t) => t?.toLowerCase() === 'attempts')).toEqual(['Attempts'])
    for (const column of columns)
      if (column.title && column.width) expect(column.width).toBeGreaterThanOrEqual(column.title.length * 8)
  })

  it('shows how a crawled page was found, beside its status', () => {
    const crawled = urlRow({ ...result, depth: 2, foundFrom: 'https://a.example/docs/' })
    const titles = (itemColumns('urls', resultFields([crawled])) as { title?: string }[]).map((c) => c.title)
    expect(titles).toEqual(expect.arrayContaining(['Depth', 'Found from']))
    expect(titles.indexOf('Depth')).toBeLessThan(titles.indexOf('Some new field'))
    // A list's rows have neither.
    expect(resultFields([urlRow(result)])).not.toContain('depth')
  })

  it('counts a URL’s own retries, and the engine’s when they are more (after Retry failed)', () => {
    expect(attemptsOf(urlRow(result))).toBe(3)
    expect(attemptsOf(urlRow({ ...result, attempts: 1 }, 2))).toBe(2)
    expect(fieldTitle('status')[0]).toBe('Status')
    expect(fieldTitle('status')[1]).toBeGreaterThan(80)
  })
})
