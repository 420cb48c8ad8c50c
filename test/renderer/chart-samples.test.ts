// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import BreakdownBar from '../../src/renderer/src/charts/BreakdownBar.vue'
import { RingBuffer } from '../../src/renderer/src/charts/ring-buffer'
import SparkLine from '../../src/renderer/src/charts/SparkLine.vue'
import { useSamplesStore } from '../../src/renderer/src/stores/samples-store'
import { jobSummary } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'

describe('the samples behind the live charts', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => (document.body.innerHTML = ''))

  it('keeps the newest values of a ring, oldest first', () => {
    const ring = new RingBuffer<number>(3)
    for (let i = 1; i <= 5; i++) ring.push(i)
    expect(ring.toArray()).toEqual([3, 4, 5])
    expect(ring.last()).toBe(5)
    expect(ring.length).toBe(3)
  })

  it('takes at most one sample a second per job, always its end, and none of jobs it never saw run', () => {
    const samples = useSamplesStore()
    const job = jobSummary({ id: 7, state: 'running', itemRate: 50, etaMs: 4000 })
    samples.recordJob(job, 10_000)
    samples.recordJob({ ...job, itemRate: 60 }, 10_400)
    samples.recordJob({ ...job, itemRate: 70 }, 11_000)
    samples.recordJob({ ...job, state: 'completed' }, 11_100)
    expect(samples.jobSamples(7).map((s) => [s.at, s.itemRate, s.endsAt])).toEqual([
      [10_000, 50, 14_000],
      [11_000, 70, 15_000],
      [11_100, 0, null],
    ])
    samples.recordJob(jobSummary({ id: 8, state: 'completed' }), 12_000)
    expect(samples.jobSamples(8)).toEqual([])
  })

  it('draws a running job’s sparkline with a text summary', async () => {
    const wrapper = mountWithProviders(SparkLine, { job: jobSummary({ id: 3, state: 'running' }) })
    const samples = useSamplesStore()
    samples.recordJob(jobSummary({ id: 3, state: 'running', itemRate: 10 }), 1000)
    samples.recordJob(jobSummary({ id: 3, state: 'running', itemRate: 30 }), 2000)
    await wrapper.vm.$nextTick()
    const svg = wrapper.find('[data-testid=sparkline]')
    expect(svg.attributes('aria-label')).toMatch(/now 30/)
    expect(svg.find('polyline').attributes('points')!.split(' ')).toHaveLength(2)
  })

  it('lets a breakdown group be chosen and chosen again to clear it', async () => {
    const slices = [
      { group: '2xx', count: 8, rows: true },
      { group: 'skipped', count: 2, rows: false },
    ]
    const wrapper = mount(BreakdownBar, {
      props: { slices, selected: null, label: 'Status classes' },
      global: { plugins: [createPinia()] },
    })
    const bar = wrapper
    expect(wrapper.findAll('button').map((b) => b.text())).toEqual(['2xx 8 80 %'])
    await wrapper.find('button[data-group="2xx"]').trigger('click')
    expect(bar.emitted('select')).toEqual([['2xx']])
    await bar.setProps({ selected: '2xx' })
    expect(wrapper.find('button[data-group="2xx"]').attributes('aria-pressed')).toBe('true')
    await wrapper.find('button[data-group="2xx"]').trigger('click')
    expect(bar.emitted('select')!.at(-1)).toEqual([null])
  })
})
