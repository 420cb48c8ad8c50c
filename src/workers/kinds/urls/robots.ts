import robotsParser from 'robots-parser'
import { classifyError } from './classify-error'
import { fetchChain, type ChainOptions } from './fetch-chain'

/** Google reads at most 500 KiB of a robots.txt; so do we. */
const ROBOTS_MAX_BYTES = 500 * 1024
/** A worker lives through many jobs; a site may change its rules meanwhile. */
const ROBOTS_TTL_MS = 10 * 60_000

type Rules = ReturnType<typeof robotsParser>
/** The rules of a site, or a blanket verdict when there are none to read. */
type Verdict = { rules: Rules } | { allowAll: string } | { disallowAll: string }

const cache = new Map<string, { at: number; verdict: Promise<Verdict> }>()

/** Whether robots.txt lets `userAgent` fetch `url`; null when allowed, else the reason. */
export async function robotsRefusal(
  url: string,
  options: Omit<ChainOptions, 'use' | 'maxBytes'>,
): Promise<string | null> {
  const verdict = await verdictFor(url, options)
  if ('allowAll' in verdict) return null
  if ('disallowAll' in verdict) return verdict.disallowAll
  return verdict.rules.isDisallowed(url, options.userAgent) ? `robots.txt disallows ${url} for this user agent` : null
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
    entry = { at: Date.now(), verdict: readRobots(origin, options) }
    cache.set(origin, entry)
  }
  return entry.verdict
}

/**
 * RFC 9309: a robots.txt that is missing (4xx) allows everything; one the server fails to give
 * (5xx) disallows everything. A network failure allows the fetch, which then reports the failure.
 */
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
      return { disallowAll: `robots.txt answered ${answer.status}: treated as disallowing everything` }
    if (answer.status >= 400) return { allowAll: 'no robots.txt' }
    return { rules: robotsParser(robotsUrl, answer.body.text ?? '') }
  } catch (error) {
    return { allowAll: `robots.txt unreadable: ${classifyError(error).message}` }
  }
}
