// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import JobOverview from '../../src/renderer/src/components/JobOverview.vue'
import UrlJobDialog from '../../src/renderer/src/dialogs/UrlJobDialog.vue'
import { ruleFrom, emptyFollowUps } from '../../src/renderer/src/dialogs/follow-up-form'
import { useUiStore } from '../../src/renderer/src/stores/ui-store'
import SchedulesView from '../../src/renderer/src/views/SchedulesView.vue'
import type { ScheduleInfo } from '../../src/shared/schedules'
import { fakeFarmApi, jobSummary } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'
import { typeInto as type } from './type-into'

const schedule = (change: Partial<ScheduleInfo> = {}): ScheduleInfo => ({
  id: 3,
  title: 'Probe ×1',
  kind: 'probe',
  spec: {
    kind: 'probe',
    count: 1,
    chunk: 1,
    sleepMs: 0,
    failOn: [],
    crashOn: [],
    throwOn: [],
    hangOn: [],
    printOn: [],
  },
  options: {},
  rule: { every: '10m', missed: 'once' },
  nextRunAt: 1_800_000_000_000,
  paused: false,
  runs: 2,
  lastJobId: 7,
  createdAt: 1_700_000_000_000,
  ...change,
})

const settle = () => new Promise((resolve) => setTimeout(resolve, 20))
const button = (name: string) => document.querySelector<HTMLButtonElement>(`button[aria-label="${name}"]`)

describe('the Schedules view', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('lists schedules and pauses, resumes and removes them by named buttons, following the events', async () => {
    const fake = fakeFarmApi({
      'jobs.list': () => ({ jobs: [], total: 0 }),
      'pools.list': () => [],
      'schedules.list': () => ({ schedules: [schedule()] }),
      'schedules.pause': () => ({ ok: true }),
      'schedules.resume': () => ({ ok: true }),
      'schedules.remove': () => ({ ok: true }),
    })
    setFarmApi(fake.api)
    const { connectFarmEvents } = await import('../../src/renderer/src/stores/farm-events')
    mountWithProviders(SchedulesView)
    const stop = connectFarmEvents(fake.api)
    await settle()
    const row = document.querySelector('[data-testid=schedule-3]')!
    expect(row.textContent).toContain('every 10m')
    expect(row.textContent).toContain('Probe ×1')
    button('Pause schedule 3')!.click()
    await settle()
    expect(fake.calls.at(-1)).toEqual({ channel: 'schedules.pause', request: { scheduleId: 3 } })
    fake.emit('schedule.updated', schedule({ paused: true }))
    await settle()
    expect(document.querySelector('[data-testid=schedule-3]')!.textContent).toContain('paused')
    button('Resume schedule 3')!.click()
    await settle()
    expect(fake.calls.at(-1)).toEqual({ channel: 'schedules.resume', request: { scheduleId: 3 } })
    fake.emit('schedule.removed', { scheduleId: 3 })
    await settle()
    expect(document.querySelector('[data-testid=schedule-3]')).toBeNull()
    stop()
  })
})

describe('the When fields of a job dialog', () => {
  afterEach(() => {
    vi.useRealTimers()
    document.body.innerHTML = ''
  })

  it('makes a schedule instead of a job when the job runs again and again, with its end actions', async () => {
    const fake = fakeFarmApi({
      'jobs.check': () => ({ problems: [] }),
      'schedules.create': () => schedule(),
    })
    setFarmApi(fake.api)
    mountWithProviders(UrlJobDialog)
    useUiStore().openUrls()
    await settle()
    await type('[data-testid=urls-text] textarea', 'https://a.example/')
    const again = [...document.querySelectorAll<HTMLInputElement>('[data-testid=follow-ups] input[type=radio]')].find(
      (input) => input.value === 'every',
    )!
    again.click()
    await settle()
    await type('input[aria-label="Repeat every"]', '2h')
    await type('input[aria-label="Command to run when the job ends"]', 'echo done')
    await new Promise((resolve) => setTimeout(resolve, 500))
    document.querySelector<HTMLButtonElement>('[data-testid=urls-start]')!.click()
    await settle()
    const made = fake.calls.find((c) => c.channel === 'schedules.create')
    expect(made?.request).toMatchObject({
      rule: { every: '2h', missed: 'once' },
      options: { then: { notify: false, run: 'echo done' } },
    })
    expect(useUiStore().view).toBe('schedules')
  })

  it('says a bad interval at once; a cron expression is left to the farm', () => {
    const form = { ...emptyFollowUps(), start: 'every' as const }
    expect(ruleFrom({ ...form, every: '5x' }).problem).toMatch(/s, m, h or d/)
    expect(ruleFrom({ ...form, every: '0 2 * * *' }).rule).toEqual({ every: '0 2 * * *', missed: 'once' })
    expect(ruleFrom({ ...form, start: 'at', at: '' }).problem).toBe('Pick a day and a time.')
  })
})

describe('a job page', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('says what happens when the job ends', () => {
    const job = {
      ...jobSummary({ then: { notify: true, run: 'echo done' } }),
      spec: schedule().spec,
      notes: [],
      facts: {},
      timeline: [],
    }
    mountWithProviders(JobOverview, { job })
    expect(document.querySelector('[data-testid=when-it-ends]')!.textContent).toBe('notify, then run echo done')
  })
})
