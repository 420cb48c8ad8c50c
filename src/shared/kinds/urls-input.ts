import type { CrawlInput } from './crawl'
import type { UrlsSpec } from './urls'

// Zod-free (URL workers load it): what a URL job's input says.

/** The crawl a URL job makes, or null for a job of a list. */
export function crawlOf(spec: { kind: string; input?: { type: string } }): CrawlInput | null {
  return spec.kind === 'urls' && spec.input?.type === 'crawl' ? (spec.input as CrawlInput) : null
}

/** Whether robots.txt keeps a URL from being fetched: asked for (`robots`), or always in a crawl. */
export const obeysRobots = (spec: UrlsSpec): boolean => spec.robots || crawlOf(spec) !== null
