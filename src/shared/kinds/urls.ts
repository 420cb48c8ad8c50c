import * as z from 'zod'
import { retryDelaySchema } from './command'
import { crawlInputSchema } from './crawl'
import type { CrawlPayload } from './crawl-scope'
import { fromJobInputSchema } from './from-job'

/**
 * Where the URL list comes from: a file or text. Either holds one URL per line (blank lines and
 * `#` comments ignored) or a CSV whose header has a `url` column (picked by a `.csv` name or by
 * such a header on the first line).
 */
export const urlInputSchema = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('file'), path: z.string().min(1, 'Give a URL list file.') }),
    z.object({ type: z.literal('text'), text: z.string() }),
    fromJobInputSchema,
    /** A sitemap or sitemap index (gzipped or not), by URL or as a file: its pages are the list. */
    z.object({ type: z.literal('sitemap'), source: z.string().min(1, 'Give a sitemap URL or file.') }),
    /** A start page whose links are followed (units that find units). */
    crawlInputSchema,
  ]),
)
export type UrlInput = z.infer<typeof urlInputSchema>

/**
 * A column of the job's own: the first element a CSS selector matches (its text, or one attribute),
 * or the first match of a regular expression in the page's HTML (its first group, when it has one).
 */
export const extractRuleSchema = z.lazy(() =>
  z.object({
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'A column name is a letter or _, then letters, digits, _ or -.'),
    type: z.enum(['css', 'regex']),
    /** The CSS selector, or the regular expression's source. */
    pattern: z.string().min(1).max(2000),
    /** css only: the attribute to read instead of the element's text. */
    attr: z.string().min(1).max(200).optional(),
  }),
)
export type ExtractRule = z.infer<typeof extractRuleSchema>

/** A URL-analysis job: fetch every URL and record status, redirects, timings and on-page facts. */
export const urlsSpecSchema = z.lazy(() =>
  z.object({
    kind: z.literal('urls'),
    input: urlInputSchema,
    /** Requests in flight across the whole job, on every worker and host together (its job slots). */
    concurrency: z.number().int().min(1).max(1000).default(32),
    /** Requests in flight to one host, per worker. */
    perHost: z.number().int().min(1).max(256).default(8),
    /** Budget of one request (connect, headers, whole body); redirects and retries each get a new one. */
    timeoutMs: z.number().int().min(100).max(600_000).default(15_000),
    /** Decoded body bytes read at most; the rest is left unread and the row is marked truncated. */
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /** Extra tries after a 429, a 503 or a network error (the farm's retry policy runs them). */
    retries: z.number().int().min(0).max(10).default(2),
    /** Seconds before the first retry, doubled for each later one; unset: the kind's default. */
    retryDelayS: retryDelaySchema,
    maxRedirects: z.number().int().min(0).max(50).default(10),
    /** Skip URLs that the site's robots.txt disallows for our user agent (a crawl always does). */
    robots: z.boolean().default(false),
    userAgent: z.string().min(1).max(500).default('TaskFarm/0.1 (URL analysis)'),
    /** Requests per second at most to one host, across every worker of the farm; null: no cap. */
    ratePerSecond: z.number().positive().max(100_000).nullable().default(null),
    /** Columns of the job's own, filled from each HTML page. */
    extract: z
      .array(extractRuleSchema)
      .max(50)
      .default([])
      .refine(
        (rules) => new Set(rules.map((r) => r.name)).size === rules.length,
        'Two extraction columns share a name.',
      ),
  }),
)
export type UrlsSpec = z.infer<typeof urlsSpecSchema>

/** An item's payload: where the URL was found in the input, or (a crawl) by which page. */
export type UrlsPayload = { line: number } | CrawlPayload

/** Why a URL has no clean answer. A row with an error class is still a result, not a failed item. */
export const urlErrorClasses = [
  'dns',
  'refused',
  'reset',
  'timeout',
  'tls',
  'protocol',
  'too-large',
  'too-many-redirects',
  'redirect-loop',
  'bad-redirect',
  'http-error',
  'not-html',
  'decode',
  'robots-disallowed',
  'network',
] as const
export type UrlErrorClass = (typeof urlErrorClasses)[number]

export interface RedirectHop {
  status: number
  /** The absolute URL the hop pointed to (its Location resolved against the hop's URL). */
  location: string
}

/** What an HTML page says about itself; all null/0 for responses that were not parsed. */
export interface PageFacts {
  title: string | null
  metaDescription: string | null
  h1: string | null
  h1Count: number
  canonical: string | null
  metaRobots: string | null
  lang: string | null
  wordCount: number
  internalLinks: number
  externalLinks: number
  images: number
}

/** One URL's result row, as stored with the item, shown by the UI and exported. */
export interface UrlResult extends PageFacts {
  /** The URL as analysed (normalised from the input line). */
  url: string
  /** The URL of the last response, after redirects; null when no response came. */
  finalUrl: string | null
  status: number | null
  redirects: RedirectHop[]
  contentType: string | null
  /** The charset the page was decoded with, when it was parsed. */
  charset: string | null
  /** Decoded body bytes read. */
  bodyBytes: number
  /** True when reading stopped at `maxBytes`. */
  truncated: boolean
  /** From the first request's start to the final response's headers. */
  ttfbMs: number | null
  /** From the first request's start to the end of the final body (redirects and retries included). */
  totalMs: number
  /** Tries made for this URL (1 when the first one answered). */
  attempts: number
  errorClass: UrlErrorClass | null
  errorMessage: string | null
  /** The job's own columns (`extract`), by name; null where the page had no match or was not parsed. */
  extracted?: Record<string, string | null>
  /** A crawl's page only: the page whose link found it (null for the start page). */
  foundFrom?: string | null
  /** A crawl's page only: links away from the start page (the start is 0). */
  depth?: number
}
