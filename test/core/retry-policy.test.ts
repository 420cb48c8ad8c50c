import { describe, expect, it } from 'vitest'
import { retryDelay, retryPolicyFor, type RetryPolicy } from '../../src/core/retry-policy'
import { jobSpecSchema } from '../../src/shared/job-spec'

const policy = (over: Partial<RetryPolicy>): RetryPolicy => ({
  attempts: 4,
  backoff: 'fixed',
  delayMs: 1000,
  maxDelayMs: 60_000,
  jitter: 0,
  ...over,
})
const middle = (): number => 0.5

describe('the retry policy', () => {
  it('gives a unit its attempts, then no more', () => {
    const p = policy({ attempts: 3 })
    expect([1, 2, 3, 4].map((a) => retryDelay(p, a, null, middle))).toEqual([1000, 1000, null, null])
    expect(retryDelay(policy({ attempts: 1 }), 1)).toBeNull()
  })

  it('doubles an exponential wait, up to the cap', () => {
    const p = policy({ attempts: 10, backoff: 'exponential', delayMs: 500, maxDelayMs: 3000 })
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(p, a, null, middle))).toEqual([500, 1000, 2000, 3000, 3000])
  })

  it('spreads waits by the jitter, never below zero or above the cap', () => {
    const p = policy({ jitter: 0.25 })
    expect(retryDelay(p, 1, null, () => 0)).toBe(750)
    expect(retryDelay(p, 1, null, () => 0.999999)).toBe(1250)
    const capped = policy({ jitter: 0.25, maxDelayMs: 1100 })
    expect(retryDelay(capped, 1, null, () => 0.999999)).toBe(1100)
  })

  it("takes a server's Retry-After over the backoff, up to 30 s", () => {
    expect(retryDelay(policy({}), 1, 5000)).toBe(5000)
    expect(retryDelay(policy({}), 1, 120_000)).toBeNull()
    expect(retryDelay(policy({ attempts: 1 }), 1, 10)).toBeNull()
  })

  it("uses the kind's defaults, with the spec's --retries and --retry-delay over them", () => {
    const list = { type: 'list', values: ['a'] }
    const command = jobSpecSchema.parse({ kind: 'command', command: ['true'], input: list })
    expect(retryPolicyFor(command)).toMatchObject({ attempts: 1, delayMs: 0 })
    const own = jobSpecSchema.parse({ kind: 'command', command: ['true'], input: list, retries: 2, retryDelayS: 1.5 })
    expect(retryPolicyFor(own)).toMatchObject({ attempts: 3, backoff: 'fixed', delayMs: 1500 })
    const urls = jobSpecSchema.parse({ kind: 'urls', input: { type: 'text', text: '' } })
    expect(retryPolicyFor(urls)).toMatchObject({ attempts: 3, backoff: 'exponential', delayMs: 500 })
    expect(retryPolicyFor(jobSpecSchema.parse({ kind: 'probe', count: 1 }))).toMatchObject({ attempts: 3 })
  })
})
