import { describe, expect, it } from 'vitest'
import { formatClock, formatWhen } from '../../src/shared/format'

describe('one way to write a moment', () => {
  it('writes the clock 24-hour with seconds, and a moment as its date and that clock', () => {
    const at = new Date(2026, 10, 20, 15, 4, 5).getTime()
    expect(formatClock(at)).toMatch(/^15.04.05$/)
    expect(formatWhen(at).endsWith(formatClock(at))).toBe(true)
    expect(formatWhen(at)).toContain('2026')
    expect(formatWhen(null)).toBe('–')
  })
})
