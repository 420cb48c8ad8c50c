import { readFile } from 'node:fs/promises'
import { UserError } from '../shared/user-error'
import { kindTraits, type JobKind, type JobSpec } from '../shared/job-spec'
import {
  batchEnvelopeSchema,
  controlEventSchema,
  controlSchema,
  farmRecordSchema,
  farmStateSchema,
  remoteTaskSchema,
  type BatchEnvelope,
  type ControlMessage,
  type FarmState,
  type RemoteTask,
} from './remote-schemas'
import type { RemoteSigner } from './remote-signing'
import { isRemotePool, type RemotePool } from './remote-pools'

/**
 * What the farm and its remote hosts agree on, beside BullMQ itself. Raise the version with every
 * change of shape (remote-schemas.ts, the worker protocol, a job spec) or of meaning an older host
 * would get wrong: queues are named with it, so a host of another version never takes this farm's
 * batches, and each side says so in one sentence.
 */
export const REMOTE_PROTOCOL = 9
/**
 * Each version's shape: the SHA-256 of its schemas' JSON Schema (test/remote/remote-protocol-shape.test.ts
 * computes it). Never edit an entry: a new shape gets the next version number and a line of its own.
 */
export const PROTOCOL_SHAPES: Readonly<Record<number, string>> = {
  2: '5b881fe310faaf7bff098f608ba332d383d8d64f33bf8799d9551f1d16d31da1',
  3: '7ea76a3853ddd7ea771eb8d3407ea7716b3aa5ba3c22e92832d39fc827e136bb',
  // Inputs from an earlier job (`{ type: 'job' }` in command, module and URL specs); a plan names the
  // history it may read (verify); copies keep hashes (`keepHashes`) and a file's source mtime; `verify` jobs;
  // URL jobs' sitemaps, per-host rate and extraction rules.
  4: '92c0dba139771dfea5df18865b7d5837790a9a9519346ae3eade5e3ada0ac0ac',
  // URL jobs' crawl input (`{ type: 'crawl' }`); a crawl's tasks never go to a remote host.
  5: 'a156daa1164c29c5f1ba9f2f8d0194ba98f59a35381c8ab3dbd0417a8d0e641a',
  // A copy's plain file travels as its mtime alone (a number payload), which a host of 5 would misread.
  6: '81bb18390dd391edd8a87fcc4cdacc294da8ccaf5deb762a4f0d01477e8e050a',
  // A batch's end says how long it took on its host (`busyMs`), so the farm sizes batches by work, not trips.
  7: '38cd77555454e92b0ed38464afbde2bab86c2361983be1f118f6d85b936e93e4',
  // A slice of an item travels packed beside its ranges; done units come back as runs (`doneRuns`).
  8: '57c7d8df7bd27aecfdc499fa4fe9eca43399965b783819bda88c9162733ccaf8',
  // A unit with neither size nor payload is packed as its key alone, which a host of 8 would misread.
  9: '2a9c50a677aa5a643eff7ec283824871f99f4bfeaf6effe5afd5d1a2019faf67',
}

/** The prefix of every Redis key of Task Farm (BullMQ's own and ours). */
export const KEY_PREFIX = 'taskfarm'

export { isRemotePool, remotePools, type RemotePool } from './remote-pools'
export type {
  BatchEnvelope,
  ControlMessage,
  FarmState,
  HostHeartbeat,
  RemoteMessage,
  RemoteOutcome,
  RemoteProgress,
  RemoteTask,
} from './remote-schemas'

export const remoteKinds = (): JobKind[] =>
  (Object.keys(kindTraits) as JobKind[]).filter((kind) => isRemotePool(kindTraits[kind].pool))

export const queueName = (pool: RemotePool, protocol = REMOTE_PROTOCOL): string => `tf-p${protocol}-${pool}`
/** Custom events from the farm to every host (cancel a batch, drain or stop a host). */
export const controlQueueName = (protocol = REMOTE_PROTOCOL): string => `tf-p${protocol}-control`
export const hostKey = (id: string): string => `${KEY_PREFIX}:host:${id}`
export const hostKeyPattern = `${KEY_PREFIX}:host:*`
/**
 * The ids of the hosts that write heartbeats (a set; each host adds itself with every beat): the farm
 * reads their beats by name each second instead of scanning the Redis's every key for them, which
 * took as long as the keyspace is big (a shared Redis may hold millions). Not named by protocol, so a
 * host of another version is found through it too, and listed as refused.
 */
export const hostIndexKey = `${KEY_PREFIX}:hosts`
/** The farm's signed state (its protocol, its run, what it cancelled), so hosts can check batches against it. */
export const farmKey = `${KEY_PREFIX}:farm`
/** The BullMQ job id of a farm task: the farm run and its task id. */
export const batchIdOf = (session: string, taskId: number): string => `${session}-${taskId}`

/** What a host makes of a signed message: its content, or why it was refused. */
export type Opened<T> = { ok: true; value: T } | { ok: false; reason: string }
const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason })

export function sealBatch(signer: RemoteSigner, batchId: string, session: string, task: RemoteTask): BatchEnvelope {
  const text = JSON.stringify(task)
  const signed = ['batch', REMOTE_PROTOCOL, batchId, session, task.jobId, text]
  return { protocol: REMOTE_PROTOCOL, session, jobId: task.jobId, task: text, mac: signer.mac(signed) }
}

/** Checks shape, version, signature and ids, in that order; runs nothing itself. */
export function openBatch(
  signer: RemoteSigner,
  batchId: string,
  data: unknown,
): Opened<{ session: string; task: RemoteTask }> {
  const envelope = batchEnvelopeSchema.safeParse(data)
  if (!envelope.success) return refuse('it is not a signed batch of this protocol')
  const { protocol, session, jobId, task: text, mac } = envelope.data
  if (protocol !== REMOTE_PROTOCOL) return refuse(`it speaks protocol ${protocol}, this host ${REMOTE_PROTOCOL}`)
  if (!signer.verify(['batch', protocol, batchId, session, jobId, text], mac))
    return refuse("its signature does not match this host's key (unsigned, another key, or changed on the way)")
  const task = remoteTaskSchema.safeParse(parseJson(text))
  if (!task.success) return refuse(`its task does not fit the protocol (${task.error.issues[0]?.message ?? '?'})`)
  if (task.data.jobId !== jobId || batchIdOf(session, task.data.taskId) !== batchId)
    return refuse('its ids do not match what was signed')
  // The validated text as sent (the schema's output would drop fields a handler may still read).
  return { ok: true, value: { session, task: parseJson(text) as RemoteTask } }
}

export function sealControl(signer: RemoteSigner, control: ControlMessage): Record<string, string> {
  const body = JSON.stringify(control)
  return { protocol: String(REMOTE_PROTOCOL), body, mac: signer.mac(['control', REMOTE_PROTOCOL, body]) }
}

export function openControl(signer: RemoteSigner, event: unknown): Opened<ControlMessage> {
  const fields = controlEventSchema.safeParse(event)
  if (!fields.success) return refuse('it is not a signed control of this protocol')
  const { protocol, body, mac } = fields.data
  if (protocol !== REMOTE_PROTOCOL) return refuse(`it speaks protocol ${protocol}, this host ${REMOTE_PROTOCOL}`)
  if (!signer.verify(['control', protocol, body], mac)) return refuse("its signature does not match this host's key")
  const control = controlSchema.safeParse(parseJson(body))
  return control.success ? { ok: true, value: control.data } : refuse('it does not fit the protocol')
}

export function sealFarmState(signer: RemoteSigner, state: FarmState): string {
  const body = JSON.stringify(state)
  return JSON.stringify({ protocol: REMOTE_PROTOCOL, body, mac: signer.mac(['farm', REMOTE_PROTOCOL, body]) })
}

/** The farm's state, or why not; `protocol` is the farm's even when refused, for the one-sentence mismatch. */
export function openFarmState(signer: RemoteSigner, text: string): Opened<FarmState> & { protocol?: number } {
  const json = parseJson(text) as { protocol?: unknown } | undefined
  const protocol = typeof json?.protocol === 'number' ? json.protocol : undefined
  const record = farmRecordSchema.safeParse(json)
  if (!record.success || record.data.protocol !== REMOTE_PROTOCOL)
    return { ...refuse(`the farm speaks protocol ${protocol ?? '?'}`), protocol }
  if (!signer.verify(['farm', REMOTE_PROTOCOL, record.data.body], record.data.mac))
    return { ...refuse("the farm's key is not this worker's"), protocol }
  const state = farmStateSchema.safeParse(parseJson(record.data.body))
  return state.success
    ? { ok: true, value: state.data, protocol }
    : { ...refuse('the farm state does not fit'), protocol }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
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
