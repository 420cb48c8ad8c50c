import * as z from 'zod'
import { itemRowSchema } from './api-types'
import { jobKinds } from './job-spec'
import { itemStateSchema } from './job-state'

/**
 * Which units to find across every job of the history. Every field narrows; none given finds every
 * unit. Units keep no moment of their own (they are written in batches), so `since`/`until` pick
 * the jobs that ran in that window.
 */
export const unitFilterSchema = z
  .object({
    kinds: z.array(z.enum(jobKinds)).max(jobKinds.length).optional(),
    states: z.array(itemStateSchema).max(3).optional(),
    /** An error code or class: a failure's code (`exit-1`, `ENOENT`…) or a URL row's error class (`timeout`). */
    errors: z.array(z.string().min(1).max(100)).max(50).optional(),
    /** Text in the unit's key, its error or its result. */
    text: z.string().min(1).max(1000, 'A filter text is at most 1,000 characters.').optional(),
    /** A URL unit's host (`example.com`, `127.0.0.1:8080`). */
    host: z.string().min(1).max(260).optional(),
    /** The pid of the worker that ran a command unit. */
    worker: z.number().int().positive().optional(),
    jobIds: z.array(z.number().int().positive()).max(1000).optional(),
    /** Epoch milliseconds: units of jobs that were running at or after this moment. */
    since: z.number().int().min(0).optional(),
    /** Epoch milliseconds: units of jobs created before this moment. */
    until: z.number().int().min(0).optional(),
  })
  .strict()
export type UnitFilter = z.infer<typeof unitFilterSchema>

export const unitOrderSchema = z.enum(['newest', 'oldest'])
export type UnitOrder = z.infer<typeof unitOrderSchema>

/** One page of a search: `after` is the `next` of the page before (keyset paging, stable under writes). */
export const unitPageRequestSchema = z.object({
  filter: unitFilterSchema.default({}),
  order: unitOrderSchema.default('newest'),
  limit: z.number().int().min(1).max(1000).default(100),
  after: z.number().int().min(0).optional(),
})
export type UnitPageRequest = z.input<typeof unitPageRequestSchema>

/** A unit found by a search: its row as a job's table shows it, and whose it is. */
export const foundUnitSchema = itemRowSchema.extend({
  jobId: z.number().int(),
  kind: z.string(),
  code: z.string().nullable(),
})
export type FoundUnit = z.infer<typeof foundUnitSchema>

export const unitPageSchema = z.object({
  units: z.array(foundUnitSchema),
  /** Pass as `after` for the next page; null when this page is the last. */
  next: z.number().int().nullable(),
})
export type UnitPage = z.infer<typeof unitPageSchema>

/** New settings for a retry of found units; unset ones keep the newest source job's. */
export const retrySettingsSchema = z
  .object({
    /** Seconds one unit may take (URLs: a request's budget; commands: a run's). */
    timeoutS: z.number().min(0.1).max(600).optional(),
    /** Extra tries of a unit that failed retryably. */
    retries: z.number().int().min(0).max(10).optional(),
    /** Units at once across the farm (a URL job's requests, a command job's processes). */
    concurrency: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
export type RetrySettings = z.infer<typeof retrySettingsSchema>

/** Most units one action (retry, new job) takes: a job's input list holds at most this many. */
export const UNIT_ACTION_LIMIT = 100_000
