// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import PoolAutoscale from '../../src/renderer/src/components/PoolAutoscale.vue'
import { fakeFarmApi, poolInfo } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'
import { typeInto } from './type-into'

const pool = poolInfo({
  runningJobs: 1,
  autoscale: { min: 1, max: 3, idleSeconds: 30 },
  sizeReason: 'at maximum: 40 units waiting',
})

describe("a pool's adapting settings in the window", () => {
  afterEach(() => (document.body.innerHTML = ''))

  it('says why the pool has its size, and sends new bounds and the recycle count from labelled fields', async () => {
    const fake = fakeFarmApi({ 'pools.autoscale': () => ({ ok: true }), 'pools.recycle': () => ({ ok: true }) })
    setFarmApi(fake.api)
    const wrapper = mountWithProviders(PoolAutoscale, { pool })
    expect(wrapper.find('[data-testid=size-reason-cpu]').text()).toBe('Size 3: at maximum: 40 units waiting')
    expect(wrapper.find('[role=status]').exists()).toBe(true)
    expect(document.querySelector('#autoscale-min-cpu')?.getAttribute('aria-label')).toBe(
      'Fewest workers in the cpu pool',
    )
    await typeInto('#autoscale-max-cpu', '6')
    await typeInto('#autoscale-idle-cpu', '10')
    await wrapper.find('[data-testid=autoscale-apply-cpu]').trigger('click')
    await flushPromises()
    expect(fake.calls.at(-1)).toEqual({
      channel: 'pools.autoscale',
      request: { pool: 'cpu', autoscale: { min: 1, max: 6, idleSeconds: 10 } },
    })
    await typeInto('#recycle-cpu', '50')
    document.querySelector('#recycle-cpu')!.dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter', bubbles: true }))
    await flushPromises()
    expect(fake.calls.at(-1)).toEqual({ channel: 'pools.recycle', request: { pool: 'cpu', tasks: 50 } })
    wrapper.unmount()
  })

  it('turning autoscale off keeps the size the pool has', async () => {
    const fake = fakeFarmApi({ 'pools.autoscale': () => ({ ok: true }) })
    setFarmApi(fake.api)
    const wrapper = mountWithProviders(PoolAutoscale, { pool })
    await wrapper.find('[data-testid=autoscale-cpu]').trigger('click')
    await flushPromises()
    expect(fake.calls.at(-1)).toEqual({ channel: 'pools.autoscale', request: { pool: 'cpu', autoscale: null } })
    wrapper.unmount()
  })
})
