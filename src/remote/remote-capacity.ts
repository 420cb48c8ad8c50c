import type { RemoteFarmSide } from '../core/remote-link'
import { remotePools, type RemotePool } from './remote-protocol'
import { RemoteSlot, type SlotOwner } from './remote-slot'

/**
 * The hosts' capacity as slots in the farm's pools: as many slots in a pool as its live hosts run
 * batches at once. A slot is added as soon as a host shows up; an idle one is shut when hosts leave,
 * a busy one keeps its batch until it ends.
 */
export class RemoteCapacity {
  private readonly slots = new Map<RemotePool, Set<RemoteSlot>>(remotePools.map((pool) => [pool, new Set()]))

  constructor(private readonly owner: SlotOwner) {}

  fit(farm: RemoteFarmSide, want: (pool: RemotePool) => number): void {
    for (const pool of remotePools) this.fitPool(farm, pool, want(pool))
  }

  forget(slot: RemoteSlot): void {
    this.slots.get(slot.pool as RemotePool)?.delete(slot)
  }

  killAll(): void {
    for (const slots of this.slots.values()) for (const slot of [...slots]) slot.kill()
  }

  private fitPool(farm: RemoteFarmSide, pool: RemotePool, want: number): void {
    const workerPool = farm.pools[pool]
    if (!workerPool || workerPool.stopped) return
    const slots = this.slots.get(pool)!
    let added = false
    while (slots.size < want) {
      const slot = new RemoteSlot(pool, this.owner)
      slots.add(slot)
      workerPool.attachRemote(slot)
      added = true
    }
    for (const slot of [...slots]) {
      if (slots.size <= want) break
      if (slot.taskIds.size === 0) slot.post({ type: 'shutdown' })
    }
    if (added) {
      farm.changed(pool)
      setImmediate(() => farm.dispatch(pool))
    }
  }
}
