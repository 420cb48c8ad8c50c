import fc from 'fast-check'
import type { Farm } from '../../src/core/farm'
import { apiChannels, type ApiChannel } from '../../src/shared/api'
import { fuzzInputs, type FuzzInput } from './fuzz-inputs'
import type { Sandbox } from './fuzz-sandbox'
import type { FuzzTransport, Outcome } from './transports'

export interface FuzzSettings {
  seed: number
  /** Cases to send; ignored when `seconds` is given. */
  runs: number
  /** Run for this long instead of a count (the long `npm run fuzz`). */
  seconds?: number
}

export interface FuzzReport {
  transport: string
  cases: number
  counts: Record<string, number>
}

/** Channels that may not change the history, whatever they are sent. */
const readOnly = new Set<string>([
  'jobs.check',
  'urls.preview',
  'jobs.list',
  'jobs.get',
  'jobs.items',
  'jobs.logs',
  'jobs.export',
  'units.search',
  'units.keys',
  'units.export',
  'pools.list',
  'settings.get',
  'fs.list',
  'desktop.pickPaths',
  'desktop.openExternal',
  'desktop.showItem',
  'desktop.shellInfo',
  'desktop.checkForUpdates',
])
/** A reply must end well within this; longer is a hang. */
const hangMs = 15_000
const stackTrace = /\n\s+at\s|\bat .+\(.+:\d+:\d+\)/

/**
 * Sends generated cases through one transport and checks each ends in a well-formed reply (a value
 * the channel's response schema accepts, or a user error of one sentence) or a closed connection
 * where the transport may close; never a hang, an internal error, a stack trace, or a history
 * change the request was not entitled to. Throws fast-check's report (seed, path, case) on the first failure.
 */
export async function fuzzTransport(
  transport: FuzzTransport,
  farm: Farm,
  sandbox: Sandbox,
  settings: FuzzSettings,
): Promise<FuzzReport> {
  const counts: Record<string, number> = {}
  const count = (key: string): void => void (counts[key] = (counts[key] ?? 0) + 1)
  const schemas = Object.fromEntries(Object.entries(transport.channels).map(([name, c]) => [name, c.request]))
  let cases = 0
  // A time limit abandons the case in flight without waiting for it; the next run must not see it land.
  let inFlight: Promise<unknown> = Promise.resolve()

  const property = fc.asyncProperty(fuzzInputs(schemas, transport.carriesFrames), async (generated) => {
    const input: FuzzInput =
      generated.kind === 'frame'
        ? generated
        : {
            ...generated,
            call: {
              channel: generated.call.channel,
              request: sandbox.confine(generated.call.channel, generated.call.request),
            },
          }
    const before = snapshot(farm)
    const sent = transport.send(input)
    inFlight = sent.catch(() => undefined)
    const outcome = await withinHangLimit(sent)
    cases++
    count(`${input.kind} → ${describe(outcome)}`)
    checkOutcome(transport, input, outcome)
    const channel = input.kind === 'frame' ? null : input.call.channel
    const entitled = outcome.kind === 'reply' && outcome.result.ok && channel !== null && !readOnly.has(channel)
    const changed = entitled ? [] : changes(before, snapshot(farm))
    if (changed.length > 0)
      throw new Error(`the history changed after ${channel ?? 'a frame'} → ${describe(outcome)}: ${changed.join(', ')}`)
    if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted')
    if (transport.malformed.length > 0)
      throw new Error(`${transport.name} sent malformed messages: ${transport.malformed.join('; ')}`)
  })
  await fc.assert(property, {
    seed: settings.seed,
    numRuns: settings.seconds ? Number.MAX_SAFE_INTEGER : settings.runs,
    interruptAfterTimeLimit: settings.seconds ? settings.seconds * 1000 : undefined,
    markInterruptAsFailure: false,
    endOnFailure: true,
  })
  await withinHangLimit(inFlight.then(() => ({ kind: 'closed', code: 0 }) as const))
  return { transport: transport.name, cases, counts }
}

function checkOutcome(transport: FuzzTransport, input: FuzzInput, outcome: Outcome): void {
  if (outcome.kind === 'closed') {
    const isContractCall = input.kind !== 'frame' && Object.hasOwn(transport.channels, input.call.channel)
    if (!transport.carriesFrames || isContractCall) {
      throw new Error(`${transport.name} closed (${outcome.code}) on a call it should have answered`)
    }
    if (outcome.code === 1006 || outcome.code === 1011)
      throw new Error(`${transport.name} closed abnormally (${outcome.code})`)
    return
  }
  const { result } = outcome
  if (result.ok) {
    if (input.kind === 'frame') return
    const channel = transport.channels[input.call.channel]
    if (!channel) throw new Error(`${input.call.channel} is no channel, yet it succeeded`)
    const valid = channel.response.safeParse(result.value)
    if (!valid.success)
      throw new Error(`${input.call.channel} answered a value its response schema refuses: ${valid.error.message}`)
    return
  }
  const { error } = result
  if (!error.user) throw new Error(`internal error: ${error.message} (${error.code ?? 'no code'})`)
  if (typeof error.message !== 'string' || !error.message.trim()) throw new Error('a user error without a message')
  if (stackTrace.test(error.message)) throw new Error(`a stack trace in a reply: ${error.message.slice(0, 300)}`)
}

function describe(outcome: Outcome): string {
  if (outcome.kind === 'closed') return `closed ${outcome.code}`
  return outcome.result.ok ? 'ok' : `user error${outcome.result.error.code ? ` (${outcome.result.error.code})` : ''}`
}

/** Job states that never change by themselves; a running or paused job may end while a case runs. */
const settled = new Set(['completed', 'completed-with-errors', 'failed', 'cancelled', 'interrupted'])

interface Snapshot {
  jobs: Map<number, string>
  settings: string
}

/** The jobs with their states, and the settings. */
function snapshot(farm: Farm): Snapshot {
  // A job that owes a cancel keeps its shown state while its clean-up runs: it is not at rest.
  const rows = farm.store.db
    .prepare("SELECT id, CASE WHEN cancel_asked_at IS NULL THEN state ELSE 'cancelling' END AS state FROM jobs")
    .all() as { id: number; state: string }[]
  const settings = farm.store.db
    .prepare("SELECT group_concat(key || '=' || value, ';') AS s FROM (SELECT * FROM settings ORDER BY key)")
    .get() as { s: string | null }
  return { jobs: new Map(rows.map((r) => [r.id, r.state])), settings: settings.s ?? '' }
}

/** What a refused or read-only request changed: jobs made or removed, settled jobs moved, settings. */
function changes(before: Snapshot, after: Snapshot): string[] {
  const found: string[] = []
  for (const [id, state] of before.jobs) {
    const now = after.jobs.get(id)
    if (now === undefined) found.push(`job ${id} removed`)
    else if (settled.has(state) && now !== state) found.push(`job ${id} ${state} → ${now}`)
  }
  for (const id of after.jobs.keys()) if (!before.jobs.has(id)) found.push(`job ${id} created`)
  if (before.settings !== after.settings) found.push(`settings ${before.settings} → ${after.settings}`)
  return found
}

async function withinHangLimit(reply: Promise<Outcome>): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${hangMs / 1000} s: a hang`)), hangMs)
  })
  try {
    return await Promise.race([reply, hang])
  } finally {
    clearTimeout(timer)
  }
}

export const contractChannels = Object.keys(apiChannels) as ApiChannel[]
