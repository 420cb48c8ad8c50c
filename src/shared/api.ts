import * as z from 'zod'
import {
  itemRowSchema,
  jobDetailSchema,
  jobSummarySchema,
  logEntrySchema,
  poolInfoSchema,
  poolAutoscaleSchema,
  settingsPatchSchema,
  settingsViewSchema,
} from './api-types'
import { jobDiffSchema } from './job-diff'
import { historyStatsSchema, jobStatsSchema } from './job-stats'
import { jobOptionsSchema, jobSpecSchema, poolNameSchema } from './job-spec'
import { scheduleRef, scheduleRuleSchema, scheduleSchema } from './schedules'
import { extractRuleSchema, urlsSpecSchema } from './kinds/urls'
import { itemStateSchema, jobStateSchema, logLevelSchema } from './job-state'
import type { ErrorInfo } from './user-error'
import { retrySettingsSchema, unitFilterSchema, unitPageRequestSchema, unitPageSchema } from './unit-search'

/**
 * The one contract between the UI and the farm. The preload allowlist, the main process handlers,
 * the web host and the renderer's client are all derived from these two maps; every request is
 * validated with its schema where it arrives.
 */
const jobRef = z.object({ jobId: z.number().int().positive() })
const poolRef = z.object({ pool: poolNameSchema })
const ok = z.object({ ok: z.literal(true) })
/** A search box's text; SQLite refuses LIKE patterns over 50,000 bytes, people never type them. */
const filterText = z.string().max(1000, 'A filter text is at most 1,000 characters.').optional()

export const apiChannels = {
  'jobs.create': {
    request: z.object({ spec: jobSpecSchema, options: jobOptionsSchema.partial().optional() }),
    response: z.object({ jobId: z.number().int() }),
  },
  /** Cheap checks of a spec (paths exist, destination not inside source…) without making a job. */
  'jobs.check': {
    request: z.object({ spec: jobSpecSchema }),
    response: z.object({ problems: z.array(z.string()) }),
  },
  /** The URL dialog's preview: its extraction rules' values on one page (the farmer reads it, bounded). */
  'urls.preview': {
    request: z.object({
      /** Checked by the handler, which says in one sentence what is wrong with it. */
      url: z.string().min(1).max(8000),
      extract: z.array(extractRuleSchema).min(1).max(50),
      userAgent: urlsSpecSchema.unwrap().shape.userAgent,
    }),
    response: z.object({
      status: z.number().int(),
      finalUrl: z.string(),
      values: z.record(z.string(), z.string().nullable()),
    }),
  },
  'jobs.list': {
    request: z.object({
      states: z.array(jobStateSchema).optional(),
      kind: z.string().optional(),
      text: filterText,
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    response: z.object({ jobs: z.array(jobSummarySchema), total: z.number().int() }),
  },
  'jobs.get': { request: jobRef, response: jobDetailSchema },
  'jobs.items': {
    request: jobRef.extend({
      state: itemStateSchema.optional(),
      text: filterText,
      limit: z.number().int().min(1).max(10_000).default(500),
      offset: z.number().int().min(0).default(0),
    }),
    response: z.object({ items: z.array(itemRowSchema), total: z.number().int() }),
  },
  'jobs.logs': {
    request: z.object({
      jobId: z.number().int().positive().nullable(),
      afterId: z.number().int().min(0).default(0),
      minLevel: logLevelSchema.default('debug'),
      text: filterText,
      limit: z.number().int().min(1).max(10_000).default(1000),
      /** The newest `limit` lines instead of the oldest. */
      tail: z.boolean().default(false),
    }),
    response: z.object({ logs: z.array(logEntrySchema) }),
  },
  'jobs.pause': { request: jobRef, response: ok },
  'jobs.resume': { request: jobRef, response: ok },
  'jobs.cancel': { request: jobRef, response: ok },
  /**
   * Stop a running job as `interrupted` (a client's Ctrl-C): the farm goes on, `jobs.resume` finishes it.
   * Answered once the farm has taken it; the job ends (`job.ended`) when its workers have stopped.
   */
  'jobs.interrupt': { request: jobRef, response: ok },
  /** Higher runs first among queued jobs of the same pool. */
  'jobs.priority': { request: jobRef.extend({ priority: jobOptionsSchema.shape.priority }), response: ok },
  /** A queued or waiting job waits for more jobs to finish (`--after` given later); a cycle is refused. */
  'jobs.follow': { request: jobRef.extend({ after: jobOptionsSchema.shape.after.unwrap().min(1) }), response: ok },
  /** Re-run only the failed items of a finished job. */
  'jobs.retry': { request: jobRef, response: ok },
  /** Forget a finished job and its items and logs. */
  'jobs.remove': { request: jobRef, response: ok },
  /** A new job with the same spec. */
  'jobs.rerun': { request: jobRef, response: z.object({ jobId: z.number().int() }) },
  /**
   * Writes a job's rows to a file the user chose. Only doors whose user typed or picked `path` may
   * call it (see `localOnlyChannels`); the window downloads (browser) or saves through main's dialog.
   */
  'jobs.export': {
    request: jobRef.extend({
      format: z.enum(['csv', 'json']),
      path: z.string().min(1),
      /** Replace a file that is not an earlier export of this job: the user said so (`--force`, a dialog). */
      overwrite: z.boolean().default(false),
    }),
    response: z.object({ path: z.string(), rows: z.number().int() }),
  },
  /** What changed between two jobs of one kind (`a` the earlier run; left out: b's last run of the same spec). */
  'jobs.diff': {
    request: z.object({
      a: z.number().int().positive().optional(),
      b: z.number().int().positive(),
      limit: z.number().int().min(1).max(10_000).default(1000),
    }),
    response: jobDiffSchema,
  },
  /** A new job that checks a copy's destination against the hashes the copy kept. */
  'jobs.verify': { request: jobRef, response: z.object({ jobId: z.number().int() }) },
  /** What a job's items came to (status classes, outcomes, response times), for its charts. */
  'stats.job': { request: jobRef, response: jobStatsSchema },
  /** Jobs per day by state over the last days, and totals, for History's chart. */
  'stats.history': {
    request: z.object({ days: z.number().int().min(1).max(366).default(30) }),
    response: historyStatsSchema,
  },
  /** Units of every job, found by a filter, a keyset page at a time (store/unit-search.ts). */
  'units.search': { request: unitPageRequestSchema, response: unitPageSchema },
  /** "Retry these": a new job of the found units' kind that runs exactly them, with new settings. */
  'units.retry': {
    request: z.object({ filter: unitFilterSchema, settings: retrySettingsSchema.default({}) }),
    response: z.object({ jobId: z.number().int(), units: z.number().int(), sourceJobs: z.array(z.number().int()) }),
  },
  /** "New job from these": the found units' keys, once each (a new job's inputs). */
  'units.keys': { request: z.object({ filter: unitFilterSchema }), response: z.object({ keys: z.array(z.string()) }) },
  /** "Export these" to a file the user named (local doors only, as `jobs.export`). */
  'units.export': {
    request: z.object({
      filter: unitFilterSchema,
      format: z.enum(['csv', 'json']),
      path: z.string().min(1),
      overwrite: z.boolean().default(false),
    }),
    response: z.object({ path: z.string(), rows: z.number().int() }),
  },
  'pools.list': { request: z.object({}), response: z.array(poolInfoSchema) },
  'pools.resize': { request: poolRef.extend({ size: z.number().int().min(1).max(64) }), response: ok },
  /** Bounds of a pool that follows the queue, or null for a fixed size again (it keeps the size it has). */
  'pools.autoscale': { request: poolRef.extend({ autoscale: poolAutoscaleSchema.nullable() }), response: ok },
  /** Replace each worker after this many tasks (0: never). */
  'pools.recycle': { request: poolRef.extend({ tasks: z.number().int().min(0).max(1_000_000) }), response: ok },
  'pools.pause': { request: poolRef, response: ok },
  'pools.resume': { request: poolRef, response: ok },
  /** Finish queued work, then stop the pool's workers (Pool.close + join). */
  'pools.close': { request: poolRef, response: ok },
  /** Kill the pool's workers now; their jobs' in-flight items go back to the queue. */
  'pools.terminate': { request: poolRef, response: ok },
  /** A remote worker host: drain (finish its batches, then leave) or stop (leave now; others take its batches). */
  'pools.remoteHost': {
    request: z.object({ hostId: z.string().min(1), action: z.enum(['drain', 'stop']) }),
    response: ok,
  },
  'settings.get': { request: z.object({}), response: settingsViewSchema },
  'settings.set': { request: settingsPatchSchema, response: settingsViewSchema },
  /** A job started by the owning farm on time (`--at`, `--every`): kept in the history. */
  'schedules.create': {
    request: z.object({
      spec: jobSpecSchema,
      options: jobOptionsSchema.partial().optional(),
      rule: scheduleRuleSchema,
    }),
    response: scheduleSchema,
  },
  'schedules.list': { request: z.object({}), response: z.object({ schedules: z.array(scheduleSchema) }) },
  'schedules.pause': { request: scheduleRef, response: ok },
  'schedules.resume': { request: scheduleRef, response: ok },
  'schedules.remove': { request: scheduleRef, response: ok },
  /** A folder listing, for picking paths where there is no native dialog (the browser host). */
  'fs.list': {
    request: z.object({ path: z.string().optional() }),
    response: z.object({
      path: z.string(),
      parent: z.string().nullable(),
      entries: z.array(z.object({ name: z.string(), path: z.string(), isDirectory: z.boolean() })),
    }),
  },
} as const

/**
 * Channels that name a file for the farm to write. The window and web clients may not call them:
 * a page holding the token must not choose where files land (docs/architecture.md, Threat model).
 */
export const localOnlyChannels: ReadonlySet<string> = new Set(['jobs.export', 'units.export'] satisfies ApiChannel[])

export const apiEvents = {
  'job.updated': jobSummarySchema,
  'job.removed': jobRef,
  'job.log': z.object({ entries: z.array(logEntrySchema) }),
  'job.ended': jobSummarySchema,
  /** Units of the job settled and are in the history now: a reader of its units (the CLI's stream) reads on this. */
  'job.units': jobRef,
  'pool.updated': poolInfoSchema,
  'schedule.updated': scheduleSchema,
  'schedule.removed': scheduleRef,
  /** The farm's last running or queued job has ended (Settings' "when the queue is empty"). */
  'queue.empty': z.object({ at: z.number() }),
} as const

export type ApiChannel = keyof typeof apiChannels
export type ApiEvent = keyof typeof apiEvents
export type ApiRequest<C extends ApiChannel> = z.input<(typeof apiChannels)[C]['request']>
export type ApiResponse<C extends ApiChannel> = z.output<(typeof apiChannels)[C]['response']>
export type ApiEventPayload<E extends ApiEvent> = z.output<(typeof apiEvents)[E]>

/** What every transport carries back for a call. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }

/** The object the renderer talks to: the preload gives it in Electron, a WebSocket client in a browser. */
export interface FarmApi {
  call<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResponse<C>>
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void
}

export const apiChannelNames = Object.keys(apiChannels) as ApiChannel[]
export const apiEventNames = Object.keys(apiEvents) as ApiEvent[]
