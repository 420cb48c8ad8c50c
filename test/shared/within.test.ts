import { describe, expect, it, vi } from 'vitest'
import { within } from '../../src/shared/within'

describe('within', () => {
  it("gives the promise's value when it comes in time, and clears its timer", async () => {
    vi.useFakeTimers()
    try {
      const answer = within(Promise.resolve('answer'), 1000, 'late')
      await expect(answer).resolves.toBe('answer')
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('gives the late value once the time has passed, whatever the promise does after', async () => {
    vi.useFakeTimers()
    try {
      const never = new Promise<string>(() => {})
      const answer = within(never, 1000, 'late')
      await vi.advanceTimersByTimeAsync(1000)
      await expect(answer).resolves.toBe('late')
    } finally {
      vi.useRealTimers()
    }
  })

  it('passes a rejection on', async () => {
    await expect(within(Promise.reject(new Error('no')), 1000, 'late')).rejects.toThrow('no')
  })
})
