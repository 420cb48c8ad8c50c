import * as z from 'zod'
import { jobStates } from './job-state'

/**
 * Aggregates the window draws as charts: what a job's items came to (status classes of a URL job,
 * outcomes of a copy), how long URLs took, and jobs per day. The farm computes them from the history
 * (`src/core/store/job-stats.ts`); the window filters its rows with `itemGroup`, the same rule.
 */

/** One slice of a job's breakdown bar; `rows` is false for counts that have no item rows (skipped files). */
export const breakdownSliceSchema = z.object({ group: z.string(), count: z.number().int(), rows: z.boolean() })
export type BreakdownSlice = z.infer<typeof breakdownSliceSchema>

/** Upper edges (exclusive) of the response-time buckets, in ms; the last bucket is open. */
export const responseTimeEdges = [50, 100, 200, 500, 1000, 2000, 5000] as const

/**
 * When a job ran (its spans in the running state, from its timeline; the last one open while it runs)
 * and how many items and bytes it got through: an ended job's throughput, from the history alone.
 */
export const jobRunSchema = z.object({
  spans: z.array(z.object({ from: z.number(), to: z.number().nullable() })),
  items: z.number().int(),
  bytes: z.number(),
})
export type JobRun = z.infer<typeof jobRunSchema>

export const jobStatsSchema = z.object({
  breakdown: z.array(breakdownSliceSchema),
  /** Counts per response-time bucket (URL jobs; empty otherwise), one more than the edges. */
  responseTimes: z.array(z.number().int()),
  ran: jobRunSchema,
})
export type JobStats = z.infer<typeof jobStatsSchema>

export const historyStatsSchema = z.object({
  /** Oldest first; every day of the range, also those without jobs. */
  days: z.array(z.object({ day: z.string(), counts: z.record(z.enum(jobStates), z.number().int()) })),
  totals: z.object({
    jobs: z.number().int(),
    filesCopied: z.number().int(),
    bytesCopied: z.number(),
    urlsAnalysed: z.number().int(),
  }),
})
export type HistoryStats = z.infer<typeof historyStatsSchema>

/** The order slices are drawn in; groups not listed (error classes) come after, by count. */
export const groupOrder = [
  '2xx',
  '3xx',
  '4xx',
  '5xx',
  'other',
  'copied',
  'renamed',
  'skipped',
  'done',
  'failed',
  'pending',
]

interface RowLike {
  state: string
  result: unknown
}

/**
 * The group an item row falls in: for URLs its status class (2xx…5xx), or its error class when no
 * response came; for copies copied or renamed; failed and pending for every kind.
 */
export function itemGroup(kind: string, row: RowLike): string {
  if (row.state === 'pending' || row.state === 'failed') return row.state
  const result = (row.result && typeof row.result === 'object' ? row.result : {}) as Record<string, unknown>
  if (kind === 'urls') {
    const status = result.status
    if (typeof status === 'number') return status >= 200 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other'
    return typeof result.errorClass === 'string' ? result.errorClass : 'other'
  }
  if (kind === 'copy') return typeof result.renamedTo === 'string' ? 'renamed' : 'copied'
  return 'done'
}

/** The bucket of a response time, an index into `responseTimes`. */
export function responseTimeBucket(ms: number): number {
  const index = responseTimeEdges.findIndex((edge) => ms < edge)
  return index === -1 ? responseTimeEdges.length : index
}
