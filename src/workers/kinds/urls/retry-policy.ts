/** Statuses that say "try again later". */
export const retryableStatuses = new Set([429, 503])

/** Longest Retry-After we wait for; a server asking for more gets its 429/503 recorded instead. */
export const MAX_RETRY_AFTER_MS = 30_000
const BACKOFF_BASE_MS = 500
const BACKOFF_MAX_MS = 10_000

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}

/**
 * How long to wait before try number `nextAttempt` (2 for the first retry): the server's
 * Retry-After when it gave one, else exponential backoff with jitter so that many workers hitting
 * the same host do not come back in lockstep. Null means "do not retry".
 */
export function retryDelayMs(nextAttempt: number, retryAfterMs: number | null, random = Math.random): number | null {
  if (retryAfterMs !== null) return retryAfterMs <= MAX_RETRY_AFTER_MS ? retryAfterMs : null
  const exponential = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (nextAttempt - 2))
  return Math.round(exponential * (0.75 + random() * 0.5))
}

export { sleep } from '../../abortable-sleep'
