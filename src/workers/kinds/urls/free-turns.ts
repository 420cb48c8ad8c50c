import type { HostTurns } from '../../kind-handler'

/** The ticket of a request sent without asking: granted before any cut, so its 429 cuts once at most. */
const FREE = -1
const FREE_AS_TICKET = 1

/** Hosts each job's workers ask turns for again, after this worker saw them throttle (last few jobs). */
const askingByJob = new Map<number, Set<string>>()

/**
 * The farmer's turns for a job without a rate: a request to a host with no Crawl-delay goes at once,
 * without a round trip to the farmer, and is only counted (`used`, in batches), until the host
 * answers this worker 429 or 503. From then on this worker asks for every turn to that host, so the
 * farmer's back-off (shared by every worker) paces it. Turns that would be granted at once anyway
 * cost three messages per URL when asked.
 */
export function freeUntilThrottled(jobId: number, turns: HostTurns): HostTurns {
  const used = turns.used
  if (!used) return turns
  let asking = askingByJob.get(jobId)
  if (!asking) {
    if (askingByJob.size >= 8) askingByJob.delete(askingByJob.keys().next().value!)
    askingByJob.set(jobId, (asking = new Set()))
  }
  const throttled = asking
  return {
    turn: (host, crawlDelayMs, signal) => {
      if (crawlDelayMs || throttled.has(host)) return turns.turn(host, crawlDelayMs, signal)
      if (signal.aborted) return Promise.resolve(null)
      used(host, 1, 0)
      return Promise.resolve(FREE)
    },
    answered: (host, ticket, wasThrottled, retryAfterMs) => {
      if (ticket !== FREE) return turns.answered(host, ticket, wasThrottled, retryAfterMs)
      if (!wasThrottled) return used(host, 0, 1)
      throttled.add(host)
      turns.answered(host, FREE_AS_TICKET, true, retryAfterMs)
    },
  }
}
