import type { CrawlInput } from './crawl'

// Zod-free (URL workers load it): a crawl's scope, payload and limits.

/** Which links a crawl follows: the start's host, its registrable domain (subdomains too), or its path's prefix. */
export const crawlScopes = ['host', 'domain', 'prefix'] as const
export type CrawlScope = (typeof crawlScopes)[number]

/** Where a crawled page was found: the page that linked to it (none for the start) and how many links away. */
export interface CrawlPayload {
  depth: number
  from?: string
  /** Where the start page landed, when it redirected: the scope is judged from there. */
  site?: string
}

/**
 * Whether a link (absolute, normalised) is inside the crawl's scope. `host`: the same host and port;
 * `domain`: the same registrable domain (see `registrableDomain`), any subdomain and port; `prefix`: the
 * same host and a path that starts with the start URL's path.
 */
export function inCrawlScope(link: URL, start: URL, scope: CrawlScope): boolean {
  switch (scope) {
    case 'host':
      return link.host === start.host
    case 'domain':
      return registrableDomain(link.hostname) === registrableDomain(start.hostname)
    case 'prefix':
      return link.host === start.host && link.pathname.startsWith(start.pathname)
  }
}

/**
 * A host's registrable domain by the last-two-labels rule: `a.b.example.com` → `example.com`. No
 * public suffix list is installed, so `a.example.co.uk` gives `co.uk` (the scope is then wider than the
 * site). IP addresses and one-label names (`localhost`) are their own domain.
 */
export function registrableDomain(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  if (host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host)) return host
  const labels = host.split('.')
  return labels.length <= 2 ? host : labels.slice(-2).join('.')
}

/** How the window says what a crawl does. */
export function crawlText(crawl: CrawlInput): string {
  const depth = crawl.depth === null ? 'any depth' : `at most ${crawl.depth} links away`
  return `the pages found from ${crawl.url} (${crawl.scope} scope, ${depth}, ${crawl.maxPages} pages at most)`
}

/** Links kept from one page at most: a hostile page of a million links must not flood the job. */
export const MAX_LINKS_PER_PAGE = 5000
