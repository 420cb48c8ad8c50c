import { z } from 'zod'

/** Which links a crawl follows: the start's host, its registrable domain (subdomains too), or its path's prefix. */
export const crawlScopes = ['host', 'domain', 'prefix'] as const
export type CrawlScope = (typeof crawlScopes)[number]

/**
 * A crawl (`--crawl URL`): the start page, then every in-scope page its links lead to, each URL once
 * per job (the farmer's store decides), at most `depth` links away (the start is depth 0) and at most
 * `maxPages` pages in all. robots.txt is always obeyed.
 */
export const crawlInputSchema = z.object({
  type: z.literal('crawl'),
  /** The start page; checked before the job starts (a bounded string, not `.url()`: see the fuzz notes). */
  url: z.string().min(1, 'Give the URL the crawl starts from.').max(4000),
  /** Links followed at most from the start; null: as deep as the site goes (`maxPages` still bounds it). */
  depth: z.number().int().min(1).max(1000).nullable().default(null),
  maxPages: z.number().int().min(1).max(10_000_000).default(10_000),
  scope: z.enum(crawlScopes).default('host'),
})
export type CrawlInput = z.infer<typeof crawlInputSchema>

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
