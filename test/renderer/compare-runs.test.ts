// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import JobCompare from '../../src/renderer/src/components/JobCompare.vue'
import { useUiStore } from '../../src/renderer/src/stores/ui-store'
import DiffView from '../../src/renderer/src/views/DiffView.vue'
import HistoryView from '../../src/renderer/src/views/HistoryView.vue'
import type { JobDiff } from '../../src/shared/job-diff'
import { fakeFarmApi, jobSummary, settle } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'

const diff: JobDiff = {
  a: 3,
  b: 7,
  kind: 'urls',
  counts: { new: 1, gone: 0, changed: 1, same: 4 },
  rows: [
    {
      key: 'http://127.0.0.1/page',
      change: 'changed',
      fields: [
        { field: 'title', before: 'First <b>title</b>', after: 'Second title' },
        { field: 'status', before: '200', after: '503' },
      ],
    },
    { key: 'http://127.0.0.1/new', change: 'new', fields: [] },
  ],
  notes: [],
}

describe('comparing two runs in the window', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('History: two jobs of one kind picked by their named checkboxes open the diff view; two kinds say why not', async () => {
    const jobs = [
      jobSummary({ id: 7, kind: 'urls', state: 'completed' }),
      jobSummary({ id: 3, kind: 'urls', state: 'completed' }),
      jobSummary({ id: 2, kind: 'copy', state: 'completed' }),
    ]
    setFarmApi(
      // No chart here (happy-dom has no canvas): the history's figures do not answer.
      fakeFarmApi({ 'jobs.list': () => ({ jobs, total: 3 }) }).api,
    )
    const wrapper = mountWithProviders(HistoryView)
    await settle()
    await settle()
    const pick = (id: number) => wrapper.find(`input[aria-label="Pick job ${id} to compare"]`)
    const button = () => wrapper.find('[data-testid=compare-picked]')
    expect(button().attributes('disabled')).toBeDefined()
    await pick(7).setValue(true)
    await pick(2).setValue(true)
    expect(wrapper.text()).toContain('These two jobs are of different kinds: pick two of one kind.')
    expect(button().attributes('disabled')).toBeDefined()
    await pick(2).setValue(false)
    await pick(3).setValue(true)
    expect(button().attributes('disabled')).toBeUndefined()
    await button().trigger('click')
    const ui = useUiStore()
    expect(ui.view).toBe('diff')
    expect(ui.diffPair).toEqual([3, 7])
    expect(location.hash).toBe('#/diff/3/7')
  })

  it('the diff view shows the counts, one row per changed field as text, and new units', async () => {
    const fake = fakeFarmApi({ 'jobs.diff': () => diff })
    setFarmApi(fake.api)
    const wrapper = mountWithProviders(DiffView)
    useUiStore().fromHash('#/diff/3/7')
    await settle()
    await settle()
    expect(fake.calls).toContainEqual({ channel: 'jobs.diff', request: { a: 3, b: 7, limit: 1000 } })
    expect(wrapper.find('[data-testid=diff-summary]').text()).toBe('1 changed, 1 new, 0 gone, 4 the same.')
    const table = wrapper.find('[data-testid=diff-table]')
    expect(table.attributes('aria-label')).toBe('What changed between the two runs')
    expect(table.text()).toContain('First <b>title</b>')
    expect(table.find('b').exists()).toBe(false)
    expect(table.text()).toContain('503')
    expect(table.text()).toContain('http://127.0.0.1/new')
  })

  it('the diff view says in one sentence why two runs cannot be compared', async () => {
    setFarmApi(
      fakeFarmApi({
        'jobs.diff': () => {
          throw new Error('Job 1 is "Copy folder" and job 2 is "Probe": only two jobs of one kind can be compared.')
        },
      }).api,
    )
    const wrapper = mountWithProviders(DiffView)
    useUiStore().fromHash('#/diff/1/2')
    await settle()
    expect(wrapper.text()).toContain('only two jobs of one kind can be compared.')
  })

  it('a job page compares with another run of its kind, and verifies a copy that kept hashes', async () => {
    const fake = fakeFarmApi({
      'jobs.list': () => ({ jobs: [jobSummary({ id: 4, kind: 'copy', state: 'completed' })], total: 1 }),
      'jobs.verify': () => ({ jobId: 9 }),
    })
    setFarmApi(fake.api)
    const job = {
      ...jobSummary({ id: 5, kind: 'copy', state: 'completed' }),
      spec: { kind: 'copy', sources: ['/a'], destination: '/b', keepHashes: true, verify: false },
      notes: [],
      facts: {},
      timeline: [],
    }
    const wrapper = mountWithProviders(JobCompare, { job })
    await settle()
    expect(fake.calls).toContainEqual({ channel: 'jobs.list', request: { kind: 'copy', limit: 50 } })
    await wrapper.find('[data-testid=verify-copy]').trigger('click')
    await settle()
    expect(fake.calls).toContainEqual({ channel: 'jobs.verify', request: { jobId: 5 } })
    expect(useUiStore().jobId).toBe(9)
  })
})
