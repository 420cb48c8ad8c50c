// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import JobCard from '../../src/renderer/src/components/JobCard.vue'
import { fakeFarmApi, jobSummary, settle } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'

const buttons = (wrapper: ReturnType<typeof mountWithProviders>) =>
  wrapper
    .findAll('button')
    .map((b) => b.text())
    .filter(Boolean)

describe('JobCard', () => {
  afterEach(() => (document.body.innerHTML = ''))

  it('shows a title with markup as text, never as HTML', () => {
    setFarmApi(fakeFarmApi().api)
    const wrapper = mountWithProviders(JobCard, {
      job: jobSummary({ title: 'Copy <img src=x onerror=alert(1)> → /b' }),
    })
    expect(wrapper.text()).toContain('Copy <img src=x onerror=alert(1)> → /b')
    expect(wrapper.find('img').exists()).toBe(false)
  })

  it('offers pause and cancel while running, and the finished actions after', () => {
    setFarmApi(fakeFarmApi().api)
    const running = mountWithProviders(JobCard, { job: jobSummary({ state: 'running' }) })
    expect(buttons(running)).toEqual(expect.arrayContaining(['Pause', 'Cancel']))
    expect(buttons(running)).not.toContain('Run again')
    const withErrors = mountWithProviders(JobCard, {
      job: jobSummary({ state: 'completed-with-errors', itemsFailed: 2 }),
    })
    expect(buttons(withErrors)).toEqual(expect.arrayContaining(['Retry failed', 'Run again', 'Remove']))
    expect(buttons(withErrors)).not.toContain('Cancel')
    const interrupted = mountWithProviders(JobCard, { job: jobSummary({ state: 'interrupted' }) })
    expect(buttons(interrupted)).toEqual(expect.arrayContaining(['Resume', 'Cancel']))
  })

  it('shows a cancel whose clean-up still runs as cancelling, with nothing to do meanwhile', () => {
    setFarmApi(fakeFarmApi().api)
    const wrapper = mountWithProviders(JobCard, { job: jobSummary({ state: 'cancelled', cancelling: true }) })
    expect(wrapper.find('[data-cancelling=true]').text()).toBe('cancelling…')
    expect(buttons(wrapper)).not.toEqual(expect.arrayContaining(['Remove']))
    expect(buttons(wrapper)).not.toContain('Run again')
    expect(buttons(wrapper)).not.toContain('Cancel')
  })

  it('cancels through the API', async () => {
    const fake = fakeFarmApi({ 'jobs.cancel': () => ({ ok: true }) })
    setFarmApi(fake.api)
    const wrapper = mountWithProviders(JobCard, { job: jobSummary({ id: 5 }) })
    await wrapper.find('[data-testid=cancel-job]').trigger('click')
    await settle()
    expect(fake.calls).toContainEqual({ channel: 'jobs.cancel', request: { jobId: 5 } })
  })

  it('shows progress, rate and ETA of a running job', () => {
    setFarmApi(fakeFarmApi().api)
    const wrapper = mountWithProviders(JobCard, {
      job: jobSummary({ itemsDone: 250, itemsTotal: 1000, itemRate: 50, etaMs: 15_000 }),
    })
    expect(wrapper.find('[data-testid=items-percent]').text()).toBe('25 %')
    expect(wrapper.text()).toContain('250 / 1,000 items')
    expect(wrapper.text()).toContain('50/s')
    expect(wrapper.text()).toContain('ETA 15s')
  })

  it('says "estimating…" until the farm knows the pace, not 0/s and no ETA', () => {
    setFarmApi(fakeFarmApi().api)
    const wrapper = mountWithProviders(JobCard, {
      job: jobSummary({ state: 'running', itemsDone: 3, itemsTotal: 1000, itemRate: 0, etaMs: null }),
    })
    expect(wrapper.find('[data-testid=estimating]').text()).toBe('Rate and ETA: estimating…')
    expect(wrapper.text()).not.toContain('0/s')
  })

  it('labels a finished dry run as a plan, with no empty bars', () => {
    setFarmApi(fakeFarmApi().api)
    const wrapper = mountWithProviders(JobCard, {
      job: jobSummary({ state: 'completed', planOnly: true, kind: 'copy', itemsTotal: 50 }),
    })
    expect(wrapper.find('[data-state=completed]').text()).toBe('plan ready')
    expect(wrapper.find('[data-testid=plan-line]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=items-percent]').exists()).toBe(false)
    expect(buttons(wrapper)).toContain('Plan again')
    expect(buttons(wrapper)).not.toContain('Run again')
  })

  it('counts failed units with the bar: 60 failed of 60 is a full bar beside 60 / 60, not 0 / 60', () => {
    setFarmApi(fakeFarmApi().api)
    const wrapper = mountWithProviders(JobCard, {
      job: jobSummary({ state: 'completed-with-errors', itemsDone: 0, itemsFailed: 60, itemsTotal: 60 }),
    })
    expect(wrapper.find('[data-testid=items-percent]').text()).toBe('100 %')
    expect(wrapper.text()).toContain('60 / 60 items settled')
    expect(wrapper.text()).toContain('60 failed')
  })
})
