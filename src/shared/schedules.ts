import * as z from 'zod'
import { jobOptionsSchema, jobSpecSchema } from './job-spec'

/**
 * Schedules (docs/architecture.md, "Schedules"): a job spec the owning farm starts on time. The rule
 * is `at` (a first run, epoch ms), `every` (an interval like `10m`, or a cron expression), or both.
 */
export const missedRunPolicies = ['once', 'skip'] as const
export const scheduleRuleSchema = z.object({
  at: z.number().int().min(0).max(8.64e15).optional(),
  every: z.string().trim().min(1).max(200).optional(),
  /** Runs missed while no farm ran: `once` runs one at start (the default), `skip` waits for the next. */
  missed: z.enum(missedRunPolicies).default('once'),
})
export type ScheduleRule = z.infer<typeof scheduleRuleSchema>

export const scheduleSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  kind: z.string(),
  spec: jobSpecSchema,
  options: jobOptionsSchema.partial(),
  rule: scheduleRuleSchema,
  /** The next start; null once a one-off (`at` alone) has run. */
  nextRunAt: z.number().nullable(),
  paused: z.boolean(),
  runs: z.number().int(),
  lastJobId: z.number().int().nullable(),
  createdAt: z.number(),
})
export type ScheduleInfo = z.infer<typeof scheduleSchema>

export const scheduleRef = z.object({ scheduleId: z.number().int().positive() })

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `2s`, `10m`, `1h`, `1d` (also `1.5h`, `90 s`) in ms; null when the text is not an interval (a cron expression, say). */
export function parseInterval(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd])$/i.exec(text.trim())
  if (!match) return null
  const ms = Number(match[1]) * units[match[2]!.toLowerCase()]!
  return Number.isFinite(ms) ? Math.round(ms) : null
}
