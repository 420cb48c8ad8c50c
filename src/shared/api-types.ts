import * as z from 'zod'
import { jobEndActionsSchema, queueEmptyActionSchema } from './job-end-actions'
import { jobSpecSchema, poolNameSchema } from './job-spec'
import { hostPaceSchema } from './kinds/host-pace'
import { poolAutoscaleSchema } from './autoscale-bounds'
import { jobStateSchema, itemStateSchema, logLevelSchema } from './job-state'

/** A job linked by `--after`: the one it follows (or that follows it), whether it must succeed, its state now (null: removed). */
export const jobLinkSchema = z.object({
  jobId: z.number().int(),
  ok: z.boolean(),
  state: jobStateSchema.nullable(),
})
export type JobLink = z.infer<typeof jobLinkSchema>

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
  /** The jobs it follows (`--after`): a `waiting` job waits until they have finished. */
  after: z.array(jobLinkSchema).optional(),
  /** What the owning farm does when it ends (notify, run a command). */
  then: jobEndActionsSchema.nullable().optional(),
  /** Units that find more units are still pending (a copy's parallel walk): totals grow, no ETA yet. */
  finding: z.boolean().optional(),
  /** Free memory is below its `--memfree`: none of its units starts until it returns. */
  memoryWait: z.object({ freeBytes: z.number(), limitBytes: z.number() }).nullable().optional(),
  /** A running URL job's busiest hosts: their pace, throttled answers and back-offs. */
  hosts: z.array(hostPaceSchema).optional(),
})
export type JobSummary = z.infer<typeof jobSummarySchema>

// Beside the contract, so the farm reads saved autoscaling without loading the contract's schemas.
export { poolAutoscaleSchema, type PoolAutoscale } from './autoscale-bounds'

export const jobDetailSchema = jobSummarySchema.extend({
  spec: jobSpecSchema,
  /** Its own `--memfree` in bytes; null: the farm's setting. */
  memfree: z.number().nullable().optional(),
  notes: z.array(z.string()),
  facts: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  timeline: z.array(z.object({ at: z.number(), state: jobStateSchema, note: z.string() })),
  /** The jobs that follow it (`--after` this job). */
  followers: z.array(jobLinkSchema).optional(),
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
  /** Its jobs waiting for other jobs to end (`--after`): in no queue yet. */
  waitingJobs: z.number().int().optional(),
  /** The running jobs' slots: in use and in all (null: only the pool bounds the job). */
  jobSlots: z
    .array(z.object({ jobId: z.number().int(), inUse: z.number().int(), slots: z.number().int().nullable() }))
    .optional(),
  workers: z.array(workerInfoSchema),
  /** Its bounds when it follows the queue; null: a fixed size. */
  autoscale: poolAutoscaleSchema.nullable().optional(),
  /** Why it has the size it has: "grew: 40 units waiting", "shrank: idle 30 s", "at maximum: …". */
  sizeReason: z.string().max(500).optional(),
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
  /** What the farm does when its last running or queued job has ended. */
  whenQueueEmpty: queueEmptyActionSchema.default({ notify: false, run: '' }),
  /** Pools that follow the queue (`pools autoscale`); a pool left out or null has a fixed size. */
  poolAutoscale: z.partialRecord(poolNameSchema, poolAutoscaleSchema.nullable()).optional(),
  /** Replace a pool's worker after this many tasks (Python's maxtasksperchild); 0 or left out: never. */
  poolRecycle: z.partialRecord(poolNameSchema, z.number().int().min(0).max(1_000_000)).optional(),
  /** Farm-wide `--memfree` in bytes (0: none): below it no unit starts; a job's own `--memfree` wins. */
  // Optional, not defaulted: a partial Settings change (the theme) must not reset them.
  memfreeBytes: z
    .number()
    .int()
    .min(0)
    .max(2 ** 50)
    .optional(),
})
export type Settings = z.infer<typeof settingsSchema>
/**
 * A change of some settings. What it leaves out stays as it is: the defaults of a full Settings are
 * not filled in here (zod 4 applies them inside `.partial()`, so changing the theme reset Redis).
 */
export const settingsPatchSchema = settingsSchema
  .extend({ redisUrl: settingsSchema.shape.redisUrl.unwrap(), whenQueueEmpty: queueEmptyActionSchema })
  .partial()
/** Settings as the farm answers them, with the system it runs on (the Run dialog splits command lines by its rules). */
export const settingsViewSchema = settingsSchema.extend({ platform: z.string().max(20).optional() })
export type SettingsView = z.infer<typeof settingsViewSchema>
