import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonElements } from '../../src/core/store/json-elements'

describe("a JSON array's element texts", () => {
  it('are what JSON.stringify writes of each element, for any JSON values (escapes, nesting, commas in strings)', () => {
    const value = fc.oneof(fc.jsonValue({ stringUnit: 'binary' }), fc.jsonValue({ stringUnit: 'grapheme-ascii' }))
    fc.assert(
      fc.property(fc.array(value, { maxLength: 20 }), (values) => {
        expect(jsonElements(JSON.stringify(values))).toEqual(values.map((v) => JSON.stringify(v)))
      }),
      { numRuns: 5000 },
    )
  })

  it('splits where a string ends in backslashes before its quote, and only there', () => {
    const values = ['a\\', 'b\\\\', '\\"', '",', { '\\': ['\\\\'] }, null, 3]
    expect(jsonElements(JSON.stringify(values))).toEqual(values.map((v) => JSON.stringify(v)))
  })

  it('refuses what is not an array, and a string that never ends', () => {
    expect(() => jsonElements('{"a":1}')).toThrow('not a JSON array')
    expect(() => jsonElements('["abc]')).toThrow('an unterminated string')
    expect(jsonElements('[]')).toEqual([])
  })
})
