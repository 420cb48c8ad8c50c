import type { Redis } from 'ioredis'
import type { RemoteHostInfo } from '../shared/api-types'
import {
  REMOTE_PROTOCOL,
  hostIndexKey,
  hostKey,
  hostKeyPattern,
  type HostHeartbeat,
  type RemotePool,
} from './remote-protocol'
import { hostHeartbeatSchema } from './remote-schemas'

/** A host whose last heartbeat is older than this is shown stale and given no batches. */
export const STALE_AFTER_MS = 3000
/**
 * Hosts of the builds before the host index write their heartbeat's key alone: a scan of the keyspace
 * finds them, started with the first read and then this often (one scan, not one a second). Reads do
 * not wait for it: on a big Redis it takes many round trips, and the index names every other host.
 */
const SCAN_EVERY_MS = 30_000

/** The farm's view of the remote hosts, from the heartbeats they write to Redis. */
export class HostDirectory {
  private beats: HostHeartbeat[] = []
  private signature = ''
  /** Refusals the farm was told of (`newlyRefused`). */
  private readonly told = new Set<string>()
  /** The fingerprint of the farm's key: a host holding another is refused. */
  keyId: string | null = null

  /** Host keys the last scan found (hosts that do not add themselves to the index). */
  private scanned: string[] = []
  private scannedAt = -Infinity
  private scanning = false

  constructor(private readonly redis: Redis) {}

  /** Reads every host's heartbeat; true when what the Pools view shows has changed. */
  async refresh(): Promise<boolean> {
    if (!this.scanning && Date.now() - this.scannedAt >= SCAN_EVERY_MS) {
      this.scanning = true
      this.scannedAt = Date.now()
      void this.scanHostKeys()
        .then((keys) => (this.scanned = keys))
        .catch(() => {}) // Redis is away: the scan after this one tries again
        .finally(() => (this.scanning = false))
    }
    const indexed = await this.redis.smembers(hostIndexKey)
    const keys = [...new Set([...indexed.map(hostKey), ...this.scanned])]
    const values = keys.length ? await this.redis.mget(...keys) : []
    // A host that stopped without a word (killed, cut off) left its id: its key has expired since.
    const gone = indexed.filter((_, i) => values[i] === null) // the indexed keys come first
    if (gone.length) await this.redis.srem(hostIndexKey, ...gone)
    this.beats = values.flatMap((value) => {
      const beat = value ? parseBeat(value) : undefined
      return beat ? [beat] : []
    })
    this.beats.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    // Every heartbeat counts as a change: the Pools view shows its age.
    const signature = JSON.stringify(this.beats)
    const changed = signature !== this.signature
    this.signature = signature
    return changed
  }

  private async scanHostKeys(): Promise<string[]> {
    const keys: string[] = []
    let cursor = '0'
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', hostKeyPattern, 'COUNT', 1000)
      cursor = next
      keys.push(...found)
    } while (cursor !== '0')
    return keys
  }

  /**
   * Hosts refused since the last call, each once for the same reason: the farm says so in its log,
   * or a person who gave a host the wrong key saw nothing but a job that waited.
   */
  newlyRefused(): { name: string; hostname: string; problem: string }[] {
    const found = []
    for (const beat of this.beats) {
      const problem = this.problem(beat)
      const told = `${beat.id} ${problem}`
      if (!problem || this.told.has(told)) continue
      this.told.add(told)
      found.push({ name: beat.name, hostname: beat.hostname, problem })
    }
    return found
  }

  /** Batches the usable hosts of a pool run at once. */
  capacity(pool: RemotePool): number {
    let slots = 0
    for (const beat of this.beats) if (this.usable(beat)) slots += beat.slots[pool] ?? 0
    return slots
  }

  hostsOf(pool: RemotePool): RemoteHostInfo[] {
    return this.beats
      .filter((beat) => beat.pools.includes(pool))
      .map((beat) => ({
        id: beat.id,
        name: beat.name,
        hostname: beat.hostname,
        state: this.problem(beat) ? 'refused' : this.stale(beat) ? 'stale' : beat.state,
        problem: this.problem(beat),
        lastHeartbeat: beat.at,
        workers: beat.workers,
      }))
  }

  private usable(beat: HostHeartbeat): boolean {
    return !this.problem(beat) && beat.state === 'running' && !this.stale(beat)
  }

  /** Why the farm gives a host nothing, in one sentence (its side says the same when it starts). */
  private problem(beat: HostHeartbeat): string | null {
    if (beat.protocol !== REMOTE_PROTOCOL)
      return `it speaks protocol ${beat.protocol}, this farm ${REMOTE_PROTOCOL}: run the same Task Farm version on both`
    if (this.keyId && beat.keyId !== this.keyId)
      return "it holds another key than this farm's: give it this farm's remote.key (--key-file)"
    return null
  }

  private stale(beat: HostHeartbeat): boolean {
    return Date.now() - beat.at > STALE_AFTER_MS
  }
}

/** A heartbeat of any version keeps its protocol, so an old host is listed as refused, not dropped. */
function parseBeat(text: string): HostHeartbeat | undefined {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  const beat = hostHeartbeatSchema.safeParse(json)
  if (beat.success) return beat.data
  const loose = json as Partial<HostHeartbeat>
  if (typeof loose?.id !== 'string' || typeof loose.protocol !== 'number' || loose.protocol === REMOTE_PROTOCOL)
    return undefined
  return {
    id: loose.id,
    name: String(loose.name ?? loose.id),
    hostname: String(loose.hostname ?? '?'),
    pid: 0,
    protocol: loose.protocol,
    kinds: [],
    pools: Array.isArray(loose.pools) ? loose.pools : [],
    slots: {},
    state: 'running',
    at: typeof loose.at === 'number' ? loose.at : 0,
    workers: [],
  }
}
