import * as z from 'zod'
import { remoteHostInfoSchema } from '../shared/api-types'
import { jobSpecSchema } from '../shared/job-spec'
import { UNIT_SPAN, type FromWorker, type ToWorker } from '../shared/worker-protocol'
import { remotePools } from './remote-pools'

/**
 * The shapes that cross Redis between a farm and its hosts, as zod schemas: each side parses what it
 * reads with them, and refuses what does not fit in one log line. Their JSON Schema's hash is pinned
 * beside `REMOTE_PROTOCOL` (test/remote/remote-protocol-shape.test.ts): a change of shape without a
 * new protocol number fails that test.
 */

const id = z.number().int().nonnegative()
/** A unit's payload is its kind's; a copy's plain file is stored as its mtime alone (`storedCopyPayload`). */
const unitPayload = z
  .unknown()
  .describe("the kind's unit payload; a copy's plain file of the first source: its mtime alone")
/** An item's units as JSON text (`PackedUnit[]`, read by `shared/packed-unit.ts`). */
const packedUnits = z
  .string()
  .describe('JSON array of units, each [key, size, payload] or its key alone when it has neither size nor payload')
const workItem = z.object({ id, key: z.string(), payload: unitPayload, size: z.number(), attempt: z.number().int() })

/** A task the farm sends (a plan, a run of units, a clean-up), after its signature is checked. */
export const remoteTaskSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('plan'),
    taskId: id,
    jobId: id,
    spec: jobSpecSchema,
    batch: z.object({ units: z.number().int().positive(), bytes: z.number().nonnegative() }),
  }),
  z.object({
    type: z.literal('run'),
    taskId: id,
    jobId: id,
    spec: jobSpecSchema,
    // A whole item's units as stored, or with `ranges` the units of those ranges alone (`RunBatch`).
    batches: z.array(z.object({ item: id, units: packedUnits.optional(), ranges: z.array(id).optional() })),
    history: z.string().optional(),
    units: z.array(workItem),
    packResults: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('cleanup'),
    taskId: id,
    jobId: id,
    spec: jobSpecSchema,
    reason: z.enum(['cancel', 'resume']),
  }),
])
export type RemoteTask = Extract<ToWorker, { taskId: number; jobId: number }>

/**
 * A batch as a BullMQ job's data. `task` is the JSON text of a `RemoteTask`, so the signature covers
 * exactly the bytes the host parses; `mac` signs it with the BullMQ job id, the job, the farm run and
 * the protocol (see remote-signing.ts).
 */
export const batchEnvelopeSchema = z.object({
  protocol: z.number().int(),
  /** The farm run that sent it: a host drops what an earlier run of the farm left behind. */
  session: z.string().min(1),
  jobId: id,
  task: z.string(),
  mac: z.string(),
})
export type BatchEnvelope = z.infer<typeof batchEnvelopeSchema>

/** What the farm tells every host: cancel a batch, or drain or stop one host. Signed like a batch. */
export const controlSchema = z.object({
  action: z.enum(['cancel', 'drain', 'stop']),
  /** The BullMQ job id, for a cancel. */
  batch: z.string().optional(),
  /** The host, for drain and stop. */
  hostId: z.string().optional(),
})
export type ControlMessage = z.infer<typeof controlSchema>
/** A control as it travels in the events stream (field values are strings there). */
export const controlEventSchema = z.object({ protocol: z.coerce.number().int(), body: z.string(), mac: z.string() })

/**
 * The farm's signed state, rewritten every second: which run of the farm is live, and the jobs and
 * batches it has cancelled (Celery's revoked set): a host reads it on every (re)connect and before
 * every batch, so a cancel it missed still sticks.
 */
export const farmStateSchema = z.object({
  session: z.string(),
  at: z.number(),
  revokedJobs: z.array(id),
  revokedBatches: z.array(z.string()),
})
export type FarmState = z.infer<typeof farmStateSchema>
/** `protocol` stays outside the signed text, so a host of another version can still read and name it. */
export const farmRecordSchema = z.object({ protocol: z.number().int(), body: z.string(), mac: z.string() })

const errorInfo = z.object({ message: z.string(), code: z.string().optional(), user: z.boolean() })
const itemSuccess = z.object({ id, result: z.unknown() })
const itemFailure = z.object({
  id,
  error: z.string(),
  code: z.string().optional(),
  retryable: z.boolean(),
  result: z.unknown().optional(),
})
/**
 * Done units of one item, `[from, to)`, with their results as one JSON array (`DoneRun`). The farm
 * stores that text as it came, so it must be an array of exactly the run's length, written as one.
 */
const doneRun = z
  .object({ item: id, from: id.max(UNIT_SPAN), to: id.max(UNIT_SPAN), results: z.string().nullable() })
  .refine((run) => run.from < run.to && (run.results === null || isArrayOf(run.results, run.to - run.from)), {
    message: 'a run whose results are not a JSON array of its length',
  })

function isArrayOf(text: string, length: number): boolean {
  if (!text.startsWith('[') || !text.endsWith(']')) return false
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) && value.length === length
  } catch {
    return false
  }
}
const plannedBatch = z.object({ units: packedUnits, count: z.number().int(), size: z.number() })

/** A worker message as a host passes it on; `planned` ones carry the index of their first item. */
export const remoteMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('planned'), taskId: id, batches: z.array(plannedBatch), from: id.optional() }),
  z.object({ type: z.literal('progress'), taskId: id, bytes: z.number(), current: z.array(z.string()).optional() }),
  z.object({
    type: z.literal('log'),
    taskId: id.optional(),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
  }),
  z.object({
    type: z.literal('unitsDone'),
    taskId: id,
    ids: z.array(id),
    results: z.array(itemSuccess),
    bytes: z.number(),
  }),
  z.object({ type: z.literal('unitsFailed'), taskId: id, items: z.array(itemFailure) }),
])
export type RemoteMessage = z.infer<typeof remoteMessageSchema>

/** A batch's progress: what the worker process said since the last one, in order. */
export const remoteProgressSchema = z.object({ host: z.string(), messages: z.array(remoteMessageSchema) })
export type RemoteProgress = z.infer<typeof remoteProgressSchema>

/** A batch's return value: the whole outcome, so a lost progress event never loses a unit. */
export const remoteOutcomeSchema = z.object({
  final: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('done'),
      taskId: id,
      summary: z
        .object({
          notes: z.array(z.string()),
          facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
        })
        .optional(),
      rss: z.number(),
      busyMs: z.number().nonnegative().optional(),
    }),
    z.object({
      type: z.literal('failed'),
      taskId: id,
      error: errorInfo,
      rss: z.number(),
      busyMs: z.number().nonnegative().optional(),
    }),
  ]),
  doneIds: z.array(id),
  doneResults: z.array(itemSuccess),
  /**
   * Done units of the batch's items as runs (`DoneRun`): one entry per run, not per unit. Each run's
   * `results` is checked to be a JSON array of its length before the farm stores it as it came.
   */
  doneRuns: z.array(doneRun),
  doneBytes: z.number(),
  unitsFailed: z.array(itemFailure),
  /** Items a plan made, all told (they came as progress). */
  planned: id,
  host: z.string(),
})
export type RemoteOutcome = z.infer<typeof remoteOutcomeSchema>

/** What a host writes to its key every second. */
export const hostHeartbeatSchema = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  pid: z.number().int(),
  protocol: z.number().int(),
  /** The fingerprint of the key it holds (never the key): the farm refuses a host holding another. */
  keyId: z.string().optional(),
  kinds: z.array(z.string()),
  pools: z.array(z.enum(remotePools)),
  /** Batches it runs at once, per pool. */
  slots: z.partialRecord(z.enum(remotePools), z.number().int()),
  state: z.enum(['running', 'draining']),
  at: z.number(),
  /** As the Pools view lists them. */
  workers: remoteHostInfoSchema.shape.workers,
})
export type HostHeartbeat = z.infer<typeof hostHeartbeatSchema>

/** Every shape of the protocol, for the pinned hash. */
export const remoteShapes = {
  remoteTaskSchema,
  batchEnvelopeSchema,
  controlSchema,
  controlEventSchema,
  farmStateSchema,
  farmRecordSchema,
  remoteProgressSchema,
  remoteOutcomeSchema,
  hostHeartbeatSchema,
}

/** Compile-time: the worker protocol and these schemas agree. */
export type WorkerMessagesFit = [RemoteMessage extends FromWorker ? true : never]
