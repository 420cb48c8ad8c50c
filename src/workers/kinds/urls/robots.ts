import type robotsParser from 'robots-parser'
import { classifyError } from './classify-error'
import { fetchChain, type ChainOptions } from './fetch-chain'

/** Google reads at most 500 KiB of a robots.txt; so do we. */
const ROBOTS_MAX_BYTES = 500 * 1024
/** A worker lives through many jobs; a site may change its rules meanwhile. */
const ROBOTS_TTL_MS = 10 * 60_000

type Rules = ReturnType<typeof robotsParser>
/**
 * The rules of a site, or a blanket verdict when there are none to read. `unreadable`: a network
 * error or a 5xx; `serverError` says which.
 */
type Verdict = { rules: Rules } | { allowAll: string } | { unreadable: string; serverError: boolean }

/** Why a URL is not fetched; `retryable` when robots.txt could not be read and may be read next time. */
export interface RobotsRefusal {
  reason: string
  retryable: boolean
}

const cache = new Map<string, { at: number; verdict: Promise<Verdict> }>()

/**
 * Whether robots.txt lets `userAgent` fetch `url`; null when allowed, else why not. RFC 9309: a
 * robots.txt the server fails to give (5xx) disallows everything. One that cannot be reached (a
 * network error) allows the fetch, which then reports the failure, unless `strict` (a crawl, which
 * must obey robots.txt): then, as RFC 9309 says, nothing is fetched, and the URL may be tried again
 * (the retry policy's turn), when robots.txt is read again.
 */
export async function robotsRefusal(
  url: string,
  options: Omit<ChainOptions, 'use' | 'maxBytes'>,
  strict = false,
): Promise<RobotsRefusal | null> {
  const verdict = await verdictFor(url, options)
  if ('allowAll' in verdict) return null
  if ('unreadable' in verdict)
    return verdict.serverError || strict
      ? { reason: `${verdict.unreadable}: not fetched`, retryable: !verdict.serverError }
      : null
  return verdict.rules.isDisallowed(url, options.userAgent)
    ? { reason: `robots.txt disallows ${url} for this user agent`, retryable: false }
    : null
}

/** The site's Crawl-delay for `userAgent`, in milliseconds; null when it sets none. */
export async function robotsCrawlDelayMs(
  url: string,
  options: Omit<ChainOptions, 'use' | 'maxBytes'>,
): Promise<number | null> {
  const verdict = await verdictFor(url, options)
  if (!('rules' in verdict)) return null
  const seconds = verdict.rules.getCrawlDelay(options.userAgent)
  // A delay of minutes would stall a job for days; a minute between requests is the most honoured.
  return seconds !== undefined && seconds > 0 ? Math.min(seconds, 60) * 1000 : null
}

function verdictFor(url: string, options: Omit<ChainOptions, 'use' | 'maxBytes'>): Promise<Verdict> {
  const origin = new URL(url).origin
  let entry = cache.get(origin)
  if (!entry || Date.now() - entry.at > ROBOTS_TTL_MS) {
    const read = { at: Date.now(), verdict: readRobots(origin, options) }
    cache.set(origin, (entry = read))
    // A robots.txt that could not be reached is read again by the next URL, not kept for minutes.
    void read.verdict.then((verdict) => {
      if ('unreadable' in verdict && !verdict.serverError && cache.get(origin) === read) cache.delete(origin)
    })
  }
  return entry.verdict
}

/** RFC 9309: a robots.txt that is missing (4xx) allows everything; see `robotsRefusal` for the rest. */
async function readRobots(origin: string, options: Omit<ChainOptions, 'use' | 'maxBytes'>): Promise<Verdict> {
  const robotsUrl = `${origin}/robots.txt`
  try {
    const answer = await fetchChain(robotsUrl, {
      ...options,
      maxRedirects: Math.min(options.maxRedirects, 5),
      maxBytes: ROBOTS_MAX_BYTES,
      use: () => ({ as: 'text' }),
    })
    if (answer.status >= 500)
      return { unreadable: `robots.txt answered ${answer.status}, which disallows everything`, serverError: true }
    if (answer.status >= 400) return { allowAll: 'no robots.txt' }
    // The parser loads for a job that reads robots.txt only.
    const { default: parseRobots } = await import('robots-parser')
    return { rules: parseRobots(robotsUrl, answer.body.text ?? '') }
  } catch (error) {
    return { unreadable: `robots.txt could not be read (${classifyError(error).message})`, serverError: false }
  }
}
