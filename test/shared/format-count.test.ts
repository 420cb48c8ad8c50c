import { describe, expect, it } from 'vitest'
import { formatCount } from '../../src/shared/format'

describe('formatCount', () => {
  it('groups thousands as en-US does, without loading locale data for whole numbers', () => {
    for (const n of [0, 7, 999, 1000, 65_536, -1_234_567, 200_000, 12_345_678_901, 1.5, -0.25])
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'))
  })
})
