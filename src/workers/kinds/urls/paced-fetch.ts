import type { Dispatcher } from 'undici'
import { HostPacer } from '../../../shared/kinds/host-pacer'
import type { UrlsSpec } from '../../../shared/kinds/urls'
import type { HostTurns } from '../../kind-handler'
import { analyseUrl, type AnalysedUrl } from './analyse-url'
import { retryableStatuses } from './retry-policy'
import { robotsCrawlDelayMs } from './robots'

/**
 * A 429 ("too many requests") is tried again here, in the host's next turn, this many times before
 * it goes to the farm's retry policy as a failed attempt: the back-off has cut the host's rate by
 * then, so the request is retried, not counted against the URL. A 503 cuts the rate too, but may be
 * a page that is down rather than a site that is busy: it goes to the retry policy at once.
 */
export const THROTTLED_TRIES_IN_PLACE = 2

/**
 * Analyses one URL in the host's turn: asks whoever paces the job's hosts (the farmer, for all its
 * workers; else this worker alone) before every request, and tells it how the host answered.
 * Resolves null when the job was cancelled while the URL waited for its turn.
 */
export async function analyseInTurn(
  url: string,
  spec: UrlsSpec & { collectLinks?: boolean; strictRobots?: boolean },
  context: { dispatcher: Dispatcher; signal: AbortSignal },
  attempt: number,
  turns: HostTurns,
): Promise<AnalysedUrl | null> {
  const host = new URL(url).host
  const chain = {
    dispatcher: context.dispatcher,
    userAgent: spec.userAgent,
    timeoutMs: spec.timeoutMs,
    maxRedirects: spec.maxRedirects,
    signal: context.signal,
  }
  // Crawl-delay is read with the robots.txt that `robots` reads anyway; without it no robots.txt is fetched.
  const crawlDelayMs = spec.robots ? await robotsCrawlDelayMs(url, chain) : null
  for (let tries = 0; ; tries++) {
    const ticket = await turns.turn(host, crawlDelayMs, context.signal)
    if (ticket === null) return null
    const analysed = await analyseUrl(url, spec, context, attempt)
    const status = analysed.row.status
    const throttled = status !== null && retryableStatuses.has(status)
    turns.answered(host, ticket, throttled, analysed.retryAfterMs)
    if (status !== 429 || tries >= THROTTLED_TRIES_IN_PLACE || context.signal.aborted) return analysed
  }
}

/** Pacers of the jobs this worker paces itself (a remote host's share, or a run the farmer does not pace). */
const localPacers = new Map<number, HostPacer>()

/** This worker's own turns for a job: the same pacing, over its own requests only. */
export function localHostTurns(jobId: number, spec: UrlsSpec): HostTurns {
  let pacer = localPacers.get(jobId)
  if (!pacer) {
    // A worker lives through many jobs: keep the last few, they hold only counters per host.
    if (localPacers.size >= 8) {
      const [oldest, old] = localPacers.entries().next().value!
      old.close()
      localPacers.delete(oldest)
    }
    localPacers.set(jobId, (pacer = new HostPacer(spec.ratePerSecond)))
  }
  const paced = pacer
  return {
    turn: (host, crawlDelayMs, signal) =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve(null)
        const onAbort = (): void => resolve(null)
        signal.addEventListener('abort', onAbort, { once: true })
        paced.turn(
          host,
          (ticket) => {
            signal.removeEventListener('abort', onAbort)
            resolve(ticket)
          },
          crawlDelayMs,
        )
      }),
    answered: (host, ticket, throttled, retryAfterMs) => paced.answered(host, ticket, throttled, retryAfterMs),
  }
}
