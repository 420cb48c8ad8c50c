import type { CrawlInput } from '../../../shared/kinds/crawl'
import { crawlText, inCrawlScope, type CrawlPayload } from '../../../shared/kinds/crawl-scope'
import { normaliseUrl } from '../../../shared/kinds/normalise-url'
import type { UrlResult } from '../../../shared/kinds/urls'
import { UserError } from '../../../shared/user-error'
import type { PlannedItem, PlanSummary, WorkItem } from '../../../shared/worker-protocol'

/**
 * A crawl's plan: its start page alone (depth 0). Every later page is found by a page's unit as it
 * runs (`RunContext.emit`); the farmer's store keeps each URL once per job and stops at `maxPages`.
 */
export function planCrawl(crawl: CrawlInput, emit: (unit: PlannedItem) => void): PlanSummary {
  const start = normaliseUrl(crawl.url.trim())
  if (!start.ok) throw new UserError(`The crawl cannot start: ${start.problem}.`, 'bad-start-url')
  emit(pageUnit(crawl, start.url, { depth: 0 }))
  return {
    notes: [`Crawl of ${crawlText({ ...crawl, url: start.url })}`],
    facts: {
      start: start.url,
      scope: crawl.scope,
      maxPages: crawl.maxPages,
      ...(crawl.depth !== null ? { depth: crawl.depth } : {}),
    },
  }
}

/** Whether a page at `depth` may lead further: its links are followed only below the depth limit. */
export const leadsOn = (crawl: CrawlInput, depth: number): boolean => crawl.depth === null || depth < crawl.depth

/** A page's unit; one that can lead on may find units (the job is "still finding" while it waits). */
function pageUnit(crawl: CrawlInput, url: string, payload: CrawlPayload): PlannedItem {
  return { key: url, payload, size: 0, ...(leadsOn(crawl, payload.depth) ? { role: 'finds' as const } : {}) }
}

/** Where a crawled page came from, from its unit: the start page has no payload of a list's line. */
export function crawlPayload(item: WorkItem): CrawlPayload {
  const payload = item.payload as Partial<CrawlPayload> | null
  return {
    depth: typeof payload?.depth === 'number' ? payload.depth : 0,
    ...(payload?.from ? { from: payload.from } : {}),
    ...(payload?.site ? { site: payload.site } : {}),
  }
}

/** The row says how the page was found: by which page, at which depth. */
export function describeFinding(row: UrlResult, payload: CrawlPayload): void {
  row.foundFrom = payload.from ?? null
  row.depth = payload.depth
}

/**
 * The page's in-scope links as units one link further (resolved, fragment-free, http(s) only: see
 * `PageFactsCollector`); the page itself and what the store already holds are dropped by the farmer.
 */
export function emitLinks(
  crawl: CrawlInput,
  page: { url: string; payload: CrawlPayload; finalUrl: string | null },
  links: ReadonlySet<string>,
  emit: (unit: PlannedItem) => void,
): void {
  const startUrl = normaliseUrl(crawl.url.trim())
  if (!leadsOn(crawl, page.payload.depth) || !startUrl.ok) return
  // The site is where the start page landed (`example.org` → `www.example.org/`), and stays so below it.
  const site = page.payload.site ?? (page.payload.depth === 0 && page.finalUrl ? page.finalUrl : startUrl.url)
  const scope = new URL(site)
  for (const link of links) {
    const normalised = normaliseUrl(link)
    // The page itself, under its own URL or the one it redirected to, is not found again.
    if (!normalised.ok || normalised.url === page.url || normalised.url === page.finalUrl) continue
    if (!inCrawlScope(new URL(normalised.url), scope, crawl.scope)) continue
    const payload = { depth: page.payload.depth + 1, from: page.url, ...(site !== startUrl.url ? { site } : {}) }
    emit(pageUnit(crawl, normalised.url, payload))
  }
}
