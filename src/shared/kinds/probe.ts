import * as z from 'zod'

/**
 * A diagnostic job: `count` items that each echo their number squared, and on demand sleep, fail,
 * crash their worker or hang. It exercises the farm itself (tests, benchmarks, "is my farm alive?").
 */
export const probeSpecSchema = z.lazy(() =>
  z.object({
    kind: z.literal('probe'),
    count: z.number().int().min(0).max(10_000_000),
    /** Numbers per item, like Pool.map's chunksize: items are the unit of durability and retry. */
    chunk: z.number().int().min(1).max(1_000_000).default(1),
    sleepMs: z.number().int().min(0).max(3_600_000).default(0),
    /** Item numbers (0, 1, … in plan order) whose run fails (an ordinary, retryable error). */
    failOn: z.array(z.number().int().min(0)).default([]),
    /** Item numbers that make their worker exit abruptly (like a segfault). */
    crashOn: z.array(z.number().int().min(0)).default([]),
    /** Item numbers that never finish and ignore cancellation (an infinite loop). */
    hangOn: z.array(z.number().int().min(0)).default([]),
    /** The clean-up after a cancel never finishes and ignores cancellation (a hung worker). */
    hangOnCleanup: z.boolean().optional(),
    /** Item numbers whose handler throws, failing the whole batch (a bug in a kind, not a failed item). */
    throwOn: z.array(z.number().int().min(0)).default([]),
    /** Lines each item prints to stdout, to prove worker output reaches the job log. */
    printOn: z.array(z.number().int().min(0)).default([]),
  }),
)
export type ProbeSpec = z.infer<typeof probeSpecSchema>
export interface ProbePayload {
  /** The item's number, and the first number it squares. */
  n: number
  first: number
  count: number
}
export interface ProbeResult {
  /** The square of `first` (the item's only number when chunk is 1). */
  square: number
  /** All the squares, when the item holds more than one number. */
  squares?: number[]
  pid: number
}
