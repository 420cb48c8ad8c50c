import { z } from 'zod'
import { jobSpecSchema, poolNameSchema } from './job-spec'
import { hostPaceSchema } from './kinds/host-pacer'
import { hasEnded, jobStateSchema, itemStateSchema, logLevelSchema } from './job-state'

/** A job as lists and progress bars show it. Rates are moving averages per second. */
export const jobSummarySchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  state: jobStateSchema,
  priority: z.number().int(),
  pool: poolNameSchema,
  planOnly: z.boolean(),
  planned: z.boolean(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  itemsTotal: z.number(),
  itemsDone: z.number(),
  itemsFailed: z.number(),
  bytesTotal: z.number(),
  bytesDone: z.number(),
  itemRate: z.number(),
  byteRate: z.number(),
  etaMs: z.number().nullable(),
  current: z.array(z.string()),
  error: z.string().nullable(),
  /** Set when the user's input made the job fail (its plan refused it): the CLI exits 2 for these. */
  errorCode: z.string().nullable(),
  /** Its units running at once at most across the farm (job slots); null: only the pool bounds it. */
  slots: z.number().int().nullable().optional(),
  /** Slots its running units hold now (an active job only). */
  slotsInUse: z.number().int().optional(),
  /**
   * A cancel was accepted and has not ended the job yet (its clean-up runs, or the next farm to open
   * the history runs it): the job shows the state it had until it is `cancelled`.
   */
  cancelling: z.boolean().optional(),
  /** A running URL job's busiest hosts: their pace, throttled answers and back-offs. */
  hosts: z.array(hostPaceSchema).optional(),
})
export type JobSummary = z.infer<typeof jobSummarySchema>

/** Whether a waiter is done with the job: it has ended (`hasEnded`) and owes no cancel. */
export const summaryHasEnded = (job: Pick<JobSummary, 'state' | 'cancelling'>): boolean =>
  hasEnded(job.state) && !job.cancelling

export const jobDetailSchema = jobSummarySchema.extend({
  spec: jobSpecSchema,
  notes: z.array(z.string()),
  facts: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  timeline: z.array(z.object({ at: z.number(), state: jobStateSchema, note: z.string() })),
})
export type JobDetail = z.infer<typeof jobDetailSchema>

export const itemRowSchema = z.object({
  id: z.number().int(),
  key: z.string(),
  state: itemStateSchema,
  attempts: z.number().int(),
  size: z.number(),
  error: z.string().nullable(),
  result: z.unknown(),
})
export type ItemRow = z.infer<typeof itemRowSchema>

export const logEntrySchema = z.object({
  id: z.number().int(),
  jobId: z.number().int().nullable(),
  at: z.number(),
  level: logLevelSchema,
  /** `core`, or `worker <pid>`. */
  source: z.string(),
  message: z.string(),
})
export type LogEntry = z.infer<typeof logEntrySchema>

export const workerStates = ['starting', 'idle', 'busy', 'stopping'] as const
export const workerInfoSchema = z.object({
  id: z.number().int(),
  pid: z.number().int().nullable(),
  state: z.enum(workerStates),
  jobId: z.number().int().nullable(),
  current: z.string().nullable(),
  tasksDone: z.number().int(),
  restarts: z.number().int(),
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().nullable(),
})
export type WorkerInfo = z.infer<typeof workerInfoSchema>

/** A remote worker host (task-farm worker) serving a pool through Redis, as its heartbeat describes it. */
export const remoteHostInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  state: z.enum(['running', 'draining', 'stale', 'refused']),
  /** Why the farm does not use this host (another protocol version), when refused. */
  problem: z.string().nullable(),
  lastHeartbeat: z.number(),
  workers: z.array(
    z.object({
      pid: z.number().int().nullable(),
      state: z.enum(['idle', 'busy']),
      /** The farm's job id and the batch it is on. */
      jobId: z.number().int().nullable(),
      batch: z.string().nullable(),
      unitsDone: z.number().int(),
    }),
  ),
})
export type RemoteHostInfo = z.infer<typeof remoteHostInfoSchema>

export const poolInfoSchema = z.object({
  name: poolNameSchema,
  size: z.number().int(),
  paused: z.boolean(),
  closed: z.boolean(),
  maxRunningJobs: z.number().int(),
  maxTasksPerWorker: z.number().int(),
  /** Tasks one worker holds at once (the network pool's workers take a few, as they mostly wait). */
  tasksPerWorker: z.number().int(),
  runningJobs: z.number().int(),
  queuedJobs: z.number().int(),
  /** The running jobs' slots: in use and in all (null: only the pool bounds the job). */
  jobSlots: z
    .array(z.object({ jobId: z.number().int(), inUse: z.number().int(), slots: z.number().int().nullable() }))
    .optional(),
  workers: z.array(workerInfoSchema),
  /**
   * Remote hosts serving this pool (a farm started with a Redis URL); null for a pool whose jobs never
   * run remotely (copy needs this machine's disk); absent when the farm has no remote workers.
   */
  remoteHosts: z.array(remoteHostInfoSchema).nullable().optional(),
})
export type PoolInfo = z.infer<typeof poolInfoSchema>

export const settingsSchema = z.object({
  poolSizes: z.record(poolNameSchema, z.number().int().min(1).max(64)),
  notifications: z.boolean(),
  closeToTray: z.boolean(),
  theme: z.enum(['light', 'dark', 'system']),
  /** Redis of remote worker hosts (docs/scale-out.md); empty for none. --redis and $TASK_FARM_REDIS win over it. */
  redisUrl: z.string().max(2000).default(''),
})
export type Settings = z.infer<typeof settingsSchema>
/** Settings as the farm answers them, with the system it runs on (the Run dialog splits command lines by its rules). */
export const settingsViewSchema = settingsSchema.extend({ platform: z.string().max(20).optional() })
export type SettingsView = z.infer<typeof settingsViewSchema>
