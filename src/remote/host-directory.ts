import type { Redis } from 'ioredis'
import type { RemoteHostInfo } from '../shared/api-types'
import { REMOTE_PROTOCOL, hostKeyPattern, type HostHeartbeat, type RemotePool } from './remote-protocol'

/** A host whose last heartbeat is older than this is shown stale and given no batches. */
export const STALE_AFTER_MS = 3000

/** The farm's view of the remote hosts, from the heartbeats they write to Redis. */
export class HostDirectory {
  private beats: HostHeartbeat[] = []
  private signature = ''

  constructor(private readonly redis: Redis) {}

  /** Reads every host's heartbeat; true when what the Pools view shows has changed. */
  async refresh(): Promise<boolean> {
    const keys: string[] = []
    let cursor = '0'
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', hostKeyPattern, 'COUNT', 200)
      cursor = next
      keys.push(...found)
    } while (cursor !== '0')
    const values = keys.length ? await this.redis.mget(...keys) : []
    this.beats = values.flatMap((value) => {
      try {
        return value ? [JSON.parse(value) as HostHeartbeat] : []
      } catch {
        return []
      }
    })
    this.beats.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    // Every heartbeat counts as a change: the Pools view shows its age.
    const signature = JSON.stringify(this.beats)
    const changed = signature !== this.signature
    this.signature = signature
    return changed
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
        state: beat.protocol !== REMOTE_PROTOCOL ? 'refused' : this.stale(beat) ? 'stale' : beat.state,
        problem:
          beat.protocol !== REMOTE_PROTOCOL
            ? `it speaks protocol ${beat.protocol}, this farm ${REMOTE_PROTOCOL}: run the same Task Farm version on both`
            : null,
        lastHeartbeat: beat.at,
        workers: beat.workers,
      }))
  }

  private usable(beat: HostHeartbeat): boolean {
    return beat.protocol === REMOTE_PROTOCOL && beat.state === 'running' && !this.stale(beat)
  }

  private stale(beat: HostHeartbeat): boolean {
    return Date.now() - beat.at > STALE_AFTER_MS
  }
}
