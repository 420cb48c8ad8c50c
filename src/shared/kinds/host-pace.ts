import * as z from 'zod'

/** One host's pace as the job page, `show` and `--json` see it. */
export const hostPaceSchema = z.object({
  host: z.string(),
  /** Requests per second allowed now (the cap, or lower after a back-off); null: no limit. */
  rate: z.number().nullable(),
  /** The site's robots.txt Crawl-delay, in milliseconds, when it gave one. */
  crawlDelayMs: z.number().nullable(),
  /** Requests let through in the last second. */
  perSecond: z.number().int(),
  /** Requests let through so far. */
  requests: z.number().int(),
  /** Answers that said "slow down" (429 or 503). */
  throttled: z.number().int(),
  /** Times the allowed rate was cut. */
  backoffs: z.number().int(),
  /** Requests waiting for their turn now. */
  waiting: z.number().int(),
})
export type HostPace = z.infer<typeof hostPaceSchema>
