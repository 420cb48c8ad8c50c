import { kindTraits, type JobSpec, type RetryDefaults } from '../shared/job-spec'

/**
 * The one retry policy of the farm (BullMQ's backoffs are the model): a unit that failed retryably
 * goes again after a wait, until it has had `attempts` tries. The wait is fixed or exponential,
 * spread by ±`jitter` so that many units failing together do not come back in lockstep, and never
 * longer than `maxDelayMs`. A unit waiting holds no slot and no worker: a timer puts it back.
 *
 * Crashes are counted apart (`KindTraits.maxCrashes`): a unit whose worker died under it was not
 * given a fair try, and its count says whether it is the one killing workers.
 */
export interface RetryPolicy extends RetryDefaults {
  /** Share of the wait added or taken at random (0.25: 75–125 %). */
  jitter: number
}

const JITTER = 0.25
/** Longest Retry-After a server may ask for; one asking more gets its answer recorded instead. */
export const MAX_RETRY_AFTER_MS = 30_000

/** The kind's defaults, with the spec's `retries` (extra tries) and `retryDelayS` over them. */
export function retryPolicyFor(spec: JobSpec): RetryPolicy {
  const base = kindTraits[spec.kind].retry
  const own = spec as { retries?: number; retryDelayS?: number }
  const attempts = own.retries !== undefined ? own.retries + 1 : base.attempts
  const delayMs = own.retryDelayS !== undefined ? Math.round(own.retryDelayS * 1000) : base.delayMs
  return { ...base, attempts, delayMs, maxDelayMs: Math.max(base.maxDelayMs, delayMs), jitter: JITTER }
}

/**
 * Milliseconds to wait before the next try of a unit whose try number `attempt` (1 for the first)
 * failed; null when it has had all its tries. A server's `retryAfterMs` (HTTP Retry-After) wins over
 * the backoff, up to 30 s.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number | null {
  if (attempt >= policy.attempts) return null
  if (retryAfterMs !== null)
    return retryAfterMs <= Math.max(policy.maxDelayMs, MAX_RETRY_AFTER_MS) ? retryAfterMs : null
  const base = policy.backoff === 'exponential' ? policy.delayMs * 2 ** (attempt - 1) : policy.delayMs
  const spread = base * policy.jitter * (2 * random() - 1)
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, base + spread)))
}
