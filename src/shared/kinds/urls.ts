import { z } from 'zod'

/** Where the URL list comes from: a file (text, one per line, or CSV with a `url` column) or text. */
export const urlInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('file'), path: z.string().min(1, 'Give a URL list file.') }),
  z.object({ type: z.literal('text'), text: z.string() }),
])

/** A URL-analysis job: fetch every URL and record status, redirects, timings and on-page facts. */
export const urlsSpecSchema = z.object({
  kind: z.literal('urls'),
  input: urlInputSchema,
  /** Requests in flight across the whole job. */
  concurrency: z.number().int().min(1).max(1000).default(32),
  perHost: z.number().int().min(1).max(256).default(8),
  timeoutMs: z.number().int().min(100).max(600_000).default(15_000),
  maxBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(5 * 1024 * 1024),
  retries: z.number().int().min(0).max(10).default(2),
  maxRedirects: z.number().int().min(0).max(50).default(10),
  robots: z.boolean().default(false),
  userAgent: z.string().min(1).max(500).default('TaskFarm/0.1 (URL analysis)'),
})
export type UrlsSpec = z.infer<typeof urlsSpecSchema>
