import { readFile } from 'node:fs/promises'
import { UserError } from '../shared/user-error'
import { kindTraits, type JobKind, type JobSpec } from '../shared/job-spec'
import type { FromWorker, ItemFailure, ItemSuccess, ToWorker } from '../shared/worker-protocol'

/**
 * What the farm and its remote hosts agree on, beside BullMQ itself. Raise the version whenever the
 * worker protocol or a job handler changes in a way an older host would get wrong: queues are named
 * with it, so a host of another version never takes this farm's batches, and the farm lists it as
 * refused with the reason.
 */
export const REMOTE_PROTOCOL = 1

/** The prefix of every Redis key of Task Farm (BullMQ's own and ours). */
export const KEY_PREFIX = 'taskfarm'

import { isRemotePool, type RemotePool } from './remote-pools'
export { isRemotePool, remotePools, type RemotePool } from './remote-pools'

export const remoteKinds = (): JobKind[] =>
  (Object.keys(kindTraits) as JobKind[]).filter((kind) => isRemotePool(kindTraits[kind].pool))

export const queueName = (pool: RemotePool, protocol = REMOTE_PROTOCOL): string => `tf-p${protocol}-${pool}`
/** Custom events from the farm to every host (cancel a batch, drain or stop a host). */
export const controlQueueName = (protocol = REMOTE_PROTOCOL): string => `tf-p${protocol}-control`
export const hostKey = (id: string): string => `${KEY_PREFIX}:host:${id}`
export const hostKeyPattern = `${KEY_PREFIX}:host:*`
/** The farm's own heartbeat: its protocol, so a host of another version can say so and stop. */
export const farmKey = `${KEY_PREFIX}:farm`

/** A batch (or a plan, or a clean-up) as a BullMQ job's data. */
export interface RemoteJobData {
  protocol: number
  /** The farm run that sent it: a farm restarted later ignores what an earlier one sent. */
  session: string
  message: Extract<ToWorker, { taskId: number; jobId: number }>
}

/** A job's progress: what the worker process said since the last one, in order. */
export interface RemoteProgress {
  /** The host's name, for the job log. */
  host: string
  messages: RemoteMessage[]
}
/** A worker message; `planned` ones carry the index of their first planned item, so a replayed plan never adds an item twice. */
export type RemoteMessage = FromWorker & { from?: number }

/** A job's return value: the whole outcome, so a lost progress event never loses a unit. */
export interface RemoteOutcome {
  final: Extract<FromWorker, { type: 'done' | 'failed' }>
  /** Units done without a result, with one, and the bytes they moved: one `unitsDone` for the farm. */
  doneIds: number[]
  doneResults: ItemSuccess[]
  doneBytes: number
  unitsFailed: ItemFailure[]
  /** Items (batches of units) a plan made, all told (they came as progress). */
  planned: number
  host: string
}

/** What a host writes to its key every second. */
export interface HostHeartbeat {
  id: string
  name: string
  hostname: string
  pid: number
  protocol: number
  kinds: string[]
  pools: RemotePool[]
  /** Batches it runs at once, per pool. */
  slots: Partial<Record<RemotePool, number>>
  state: 'running' | 'draining'
  at: number
  workers: {
    pid: number | null
    state: 'idle' | 'busy'
    jobId: number | null
    batch: string | null
    unitsDone: number
  }[]
}

export interface ControlEvent {
  action: 'cancel' | 'drain' | 'stop'
  /** The BullMQ job id, for a cancel. */
  jobId?: string
  /** The host, for drain and stop. */
  hostId?: string
}

/**
 * How a kind's spec travels: self-contained (a file named by a local path is sent as its text) and no
 * bigger than the task needs (a batch carries its own units, not the whole list again).
 */
const shipping: Partial<Record<JobKind, (spec: JobSpec, type: 'plan' | 'run' | 'cleanup') => Promise<JobSpec>>> = {
  urls: async (spec, type) => {
    if (spec.kind !== 'urls') return spec
    if (type !== 'plan') return { ...spec, input: { type: 'text', text: '' } }
    if (spec.input.type === 'file') return { ...spec, input: { type: 'text', text: await readList(spec.input.path) } }
    return spec
  },
}

async function readList(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new UserError(`Cannot read the URL list ${path}: ${(error as Error).message}`, 'input-unreadable')
  }
}

export async function shipSpec(spec: JobSpec, type: 'plan' | 'run' | 'cleanup'): Promise<JobSpec> {
  return (await shipping[spec.kind]?.(spec, type)) ?? spec
}
