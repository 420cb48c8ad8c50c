import { z } from 'zod'

/**
 * A diagnostic job: `count` items that each echo their number squared, and on demand sleep, fail,
 * crash their worker or hang. It exercises the farm itself (tests, benchmarks, "is my farm alive?").
 */
export const probeSpecSchema = z.object({
  kind: z.literal('probe'),
  count: z.number().int().min(0).max(10_000_000),
  sleepMs: z.number().int().min(0).max(3_600_000).default(0),
  /** Item numbers whose run fails (an ordinary, retryable error). */
  failOn: z.array(z.number().int().min(0)).default([]),
  /** Item numbers that make their worker exit abruptly (like a segfault). */
  crashOn: z.array(z.number().int().min(0)).default([]),
  /** Item numbers that never finish and ignore cancellation (an infinite loop). */
  hangOn: z.array(z.number().int().min(0)).default([]),
  /** Lines each item prints to stdout, to prove worker output reaches the job log. */
  printOn: z.array(z.number().int().min(0)).default([]),
})
export type ProbeSpec = z.infer<typeof probeSpecSchema>
export interface ProbePayload {
  n: number
}
export interface ProbeResult {
  square: number
  pid: number
}
