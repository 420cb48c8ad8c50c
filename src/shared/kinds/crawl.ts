import * as z from 'zod'
import { crawlScopes } from './crawl-scope'

// The pure parts (scope, payload, limits) are in crawl-scope.ts, which workers load without zod.

/**
 * A crawl (`--crawl URL`): the start page, then every in-scope page its links lead to, each URL once
 * per job (the farmer's store decides), at most `depth` links away (the start is depth 0) and at most
 * `maxPages` pages in all. robots.txt is always obeyed.
 */
export const crawlInputSchema = z.lazy(() =>
  z.object({
    type: z.literal('crawl'),
    /** The start page; checked before the job starts (a bounded string, not `.url()`: see the fuzz notes). */
    url: z.string().min(1, 'Give the URL the crawl starts from.').max(4000),
    /** Links followed at most from the start; null: as deep as the site goes (`maxPages` still bounds it). */
    depth: z.number().int().min(1).max(1000).nullable().default(null),
    maxPages: z.number().int().min(1).max(10_000_000).default(10_000),
    scope: z.enum(crawlScopes).default('host'),
  }),
)
export type CrawlInput = z.infer<typeof crawlInputSchema>
