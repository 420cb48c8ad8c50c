// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import type { PoolInfo, WorkerInfo } from '../../src/shared/api-types'
import { endedThroughput } from '../../src/renderer/src/charts/ended-throughput'
import WorkerUsageChart from '../../src/renderer/src/charts/WorkerUsageChart.vue'
import { useSamplesStore } from '../../src/renderer/src/stores/samples-store'
import { mountWithProviders } from './mount-with-providers'

describe('charts of what has stopped', () => {
  afterEach(() => (document.body.innerHTML = ''))

  it('draws an ended job’s throughput from the history: its average over the time it ran, zero between runs', () => {
    // Two seconds of running, a pause, one more second: 300 items and 3000 bytes in three seconds.
    const ran = {
      spans: [
        { from: 10_000, to: 12_000 },
        { from: 20_000, to: 21_000 },
      ],
      items: 300,
      bytes: 3000,
    }
    const { samples, ranMs, itemRate, byteRate } = endedThroughput(ran)
    expect([ranMs, itemRate, byteRate]).toEqual([3000, 100, 1000])
    expect(samples.map((s) => [s.at, s.itemRate])).toEqual([
      [10_000, 100],
      [12_000, 100],
      [12_001, 0],
      [19_999, 0],
      [20_000, 100],
      [21_000, 100],
    ])
    // A job still running (an open span) has no ended throughput yet; one within a millisecond still has one.
    expect(endedThroughput({ spans: [{ from: 5, to: null }], items: 9, bytes: 0 }).samples).toEqual([])
    expect(endedThroughput({ spans: [{ from: 5, to: 5 }], items: 2, bytes: 0 }).itemRate).toBe(2000)
  })

  it('says a pool has no workers rather than drawing the lines of stopped ones', async () => {
    const wrapper = mountWithProviders(WorkerUsageChart, { pool: 'cpu', measure: 'cpu' })
    const samples = useSamplesStore()
    const worker = { id: 1, state: 'idle', cpuPercent: 3, memoryBytes: 1e6 } as unknown as WorkerInfo
    const pool = (workers: WorkerInfo[]) => ({ name: 'cpu', workers }) as unknown as PoolInfo
    samples.recordPool(pool([worker]), 1000)
    samples.recordPool(pool([worker]), 2000)
    samples.recordPool(pool([]), 3000)
    await wrapper.vm.$nextTick()
    expect(wrapper.find('[data-testid=usage-cpu-cpu]').exists()).toBe(false)
    expect(wrapper.find('.waiting').text()).toBe('CPU of the cpu pool: no workers.')
  })
})
