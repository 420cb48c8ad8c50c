// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import { connectFarmEvents } from '../../src/renderer/src/stores/farm-events'
import { useJobDetailStore } from '../../src/renderer/src/stores/job-detail-store'
import { useJobsStore } from '../../src/renderer/src/stores/jobs-store'
import { usePoolsStore } from '../../src/renderer/src/stores/pools-store'
import { useUiStore } from '../../src/renderer/src/stores/ui-store'
import { fakeFarmApi, jobSummary, poolInfo, settle } from './fake-farm-api'

const detail = {
  ...jobSummary({ id: 7 }),
  spec: { kind: 'probe', count: 10, sleepMs: 0, failOn: [], crashOn: [], hangOn: [], printOn: [] },
  notes: [],
  facts: {},
  timeline: [],
}
const log = (
  id: number,
  jobId: number | null,
  level: 'debug' | 'info' | 'warn' | 'error' = 'info',
  message = `line ${id}`,
) => ({ id, jobId, at: 0, level, source: 'core', message })

describe('farm events reach the stores', () => {
  let fake: ReturnType<typeof fakeFarmApi>
  beforeEach(() => {
    setActivePinia(createPinia())
    fake = fakeFarmApi({
      'jobs.list': () => ({ jobs: [jobSummary({ id: 1 }), jobSummary({ id: 2, state: 'completed' })], total: 2 }),
      'pools.list': () => [],
      'jobs.get': () => detail,
      'jobs.logs': () => ({ logs: [log(1, 7)] }),
    })
    setFarmApi(fake.api)
  })

  it('loads jobs at start, then applies updates, endings and removals', async () => {
    connectFarmEvents(fake.api)
    await settle()
    const jobs = useJobsStore()
    expect(jobs.active.map((j) => j.id)).toEqual([1])
    expect(jobs.finished.map((j) => j.id)).toEqual([2])

    fake.emit('job.updated', jobSummary({ id: 3, title: 'new' }))
    fake.emit('job.ended', jobSummary({ id: 1, state: 'cancelled' }))
    fake.emit('job.removed', { jobId: 2 })
    expect(jobs.active.map((j) => j.id)).toEqual([3])
    expect(jobs.finished.map((j) => j.id)).toEqual([1])
    expect(jobs.runningCount).toBe(1)
  })

  it('appends only the open job’s log lines, once each, and filters them by level and text', async () => {
    connectFarmEvents(fake.api)
    const store = useJobDetailStore()
    await store.open(7)
    fake.emit('job.log', { entries: [log(2, 7, 'warn', 'disk slow'), log(3, 8), log(1, 7)] })
    fake.emit('job.log', { entries: [log(4, 7, 'error', 'Disk full')] })
    expect(store.logs.map((l) => l.id)).toEqual([1, 2, 4])
    store.minLevel = 'warn'
    expect(store.visibleLogs.map((l) => l.id)).toEqual([2, 4])
    store.search = 'FULL'
    expect(store.visibleLogs.map((l) => l.id)).toEqual([4])
  })

  it('keeps the open job’s numbers live from summaries', async () => {
    connectFarmEvents(fake.api)
    const store = useJobDetailStore()
    await store.open(7)
    fake.emit('job.updated', jobSummary({ id: 7, itemsDone: 9 }))
    expect(store.detail?.itemsDone).toBe(9)
    expect(store.detail?.spec.kind).toBe('probe')
  })

  it('replaces a pool on pool.updated and stops listening when disconnected', async () => {
    const stop = connectFarmEvents(fake.api)
    const pool = poolInfo()
    fake.emit('pool.updated', pool)
    expect(usePoolsStore().byName.cpu?.size).toBe(3)
    stop()
    expect(fake.listenerCount('pool.updated')).toBe(0)
  })

  it('in the desktop app, opens the dialog for paths given to a second launch and the job a notification names', () => {
    const desktop = { ...fake.api, getPathForFile: () => '' }
    connectFarmEvents(desktop)
    const ui = useUiStore()
    const emit = fake.emit as (event: string, payload: unknown) => void
    emit('desktop.openPaths', { paths: ['/photos', '/music'] })
    expect(ui.copyDraft).toEqual({ sources: ['/photos', '/music'] })
    emit('desktop.openPaths', { paths: ['/lists/sites.csv'] })
    expect(ui.urlDraft).toEqual({ path: '/lists/sites.csv' })
    emit('desktop.showJob', { jobId: 9 })
    expect([ui.view, ui.jobId]).toEqual(['job', 9])
  })

  it('in the desktop app, shows a job notification the system would not show', () => {
    const notices: unknown[] = []
    connectFarmEvents({ ...fake.api, getPathForFile: () => '' }, undefined, (notice) => notices.push(notice))
    const notice = { title: 'Job failed', body: 'Backup: disk full', jobId: 3 }
    ;(fake.emit as (event: string, payload: unknown) => void)('desktop.notice', notice)
    expect(notices).toEqual([notice])
  })
})
