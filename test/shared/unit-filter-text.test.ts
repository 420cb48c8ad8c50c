import { describe, expect, it } from 'vitest'
import { formatWhere, groupWhere, parseMoment, parseWhere, whereFields } from '../../src/shared/unit-filter-text'

const now = Date.UTC(2026, 11, 5, 12)

describe('a unit filter as text', () => {
  it('reads every field, lists, quoted text, ages and dates', () => {
    expect(
      parseWhere(
        'kind=urls state=failed,pending error=timeout error=exit-1 job=3,4 host=127.0.0.1:8080 worker=42 text="a \\"b\\" c" since=2h until=2026-12-05',
        now,
      ),
    ).toEqual({
      kinds: ['urls'],
      states: ['failed', 'pending'],
      errors: ['timeout', 'exit-1'],
      jobIds: [3, 4],
      host: '127.0.0.1:8080',
      worker: 42,
      text: 'a "b" c',
      since: now - 2 * 3_600_000,
      until: Date.parse('2026-12-05'),
    })
    expect(parseWhere('', now)).toEqual({})
  })

  it('writes fields back as text that reads the same', () => {
    const fields = { kind: 'urls,command', text: 'two "words"', job: '3' }
    const text = formatWhere(fields)
    expect(text).toBe('kind=urls,command text="two \\"words\\"" job=3')
    expect(whereFields(text)).toEqual(fields)
  })

  it('refuses what it cannot read, in one sentence each', () => {
    expect(() => parseWhere('colour=red')).toThrow('"colour" is not a unit filter')
    expect(() => parseWhere('state=lost')).toThrow(/state/)
    expect(() => parseWhere('job=x')).toThrow('"x" is not a job id (a whole number).')
    expect(() => parseWhere('kind=urls oops')).toThrow('Cannot read "oops" in the filter')
    expect(() => parseMoment('yesterday', now)).toThrow('is not a time')
  })

  it('names the units behind a job page group, only where a filter names it exactly', () => {
    expect(groupWhere(7, 'urls', null)).toBe('job=7')
    expect(groupWhere(7, 'urls', 'failed')).toBe('state=failed job=7')
    expect(groupWhere(7, 'urls', 'timeout')).toBe('state=done error=timeout job=7')
    expect(groupWhere(7, 'command', 'done')).toBe('state=done job=7')
    expect(groupWhere(7, 'urls', '2xx')).toBeNull()
    expect(groupWhere(7, 'copy', 'renamed')).toBeNull()
  })
})
