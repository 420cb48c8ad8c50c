import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { PoolAutoscale, PoolInfo } from '../../../shared/api-types'
import type { PoolName } from '../../../shared/job-spec'
import { farmApi } from '../api/ui-api'

/** Every pool and its workers, kept current by `pool.updated` events. */
export const usePoolsStore = defineStore('pools', () => {
  const byName = ref<Partial<Record<PoolName, PoolInfo>>>({})
  const pools = computed(() => Object.values(byName.value) as PoolInfo[])

  async function refresh(): Promise<void> {
    const list = await farmApi().call('pools.list', {})
    byName.value = Object.fromEntries(list.map((p) => [p.name, p]))
  }
  function apply(pool: PoolInfo): void {
    byName.value[pool.name] = pool
  }
  const act = (channel: 'pools.pause' | 'pools.resume' | 'pools.close' | 'pools.terminate') => (pool: PoolName) =>
    farmApi().call(channel, { pool })

  return {
    byName,
    pools,
    refresh,
    apply,
    resize: (pool: PoolName, size: number) => farmApi().call('pools.resize', { pool, size }),
    autoscale: (pool: PoolName, autoscale: PoolAutoscale | null) =>
      farmApi().call('pools.autoscale', { pool, autoscale }),
    recycle: (pool: PoolName, tasks: number) => farmApi().call('pools.recycle', { pool, tasks }),
    pause: act('pools.pause'),
    resume: act('pools.resume'),
    close: act('pools.close'),
    terminate: act('pools.terminate'),
    controlRemoteHost: (hostId: string, action: 'drain' | 'stop') =>
      farmApi().call('pools.remoteHost', { hostId, action }),
  }
})
