import * as z from 'zod'

/** An autoscaled pool's bounds: it grows while units wait, and shrinks after `idleSeconds` idle. */
export const poolAutoscaleSchema = z
  .object({
    min: z.number().int().min(1).max(64),
    max: z.number().int().min(1).max(64),
    idleSeconds: z.number().min(0).max(86_400).default(30),
  })
  .refine((a) => a.min <= a.max, { message: 'The minimum is above the maximum.' })
export type PoolAutoscale = z.infer<typeof poolAutoscaleSchema>
