import type { TaskFarmBridge } from '../../../shared/bridge'
import type { DesktopEventPayload } from '../../../shared/desktop-api'
import type { UiApi } from '../api/ui-api'
import { useJobDetailStore } from './job-detail-store'
import { useJobsStore } from './jobs-store'
import { usePoolsStore } from './pools-store'
import { useSamplesStore } from './samples-store'
import { useSchedulesStore } from './schedules-store'
import { useUiStore } from './ui-store'

/**
 * The one place that listens to the farm. Each event lands in the store that owns its state;
 * components only read stores. After the link comes back, everything is fetched anew because
 * events may have been missed meanwhile.
 */
export function connectFarmEvents(
  api: UiApi,
  onJobEnded?: (title: string, state: string, planOnly: boolean, asked: boolean) => void,
  onNotice?: (notice: DesktopEventPayload<'desktop.notice'>) => void,
  onQueueEmpty?: () => void,
): () => void {
  const jobs = useJobsStore()
  const pools = usePoolsStore()
  const detail = useJobDetailStore()
  const ui = useUiStore()
  const samples = useSamplesStore()
  const schedules = useSchedulesStore()

  const refreshAll = async (): Promise<void> => {
    await Promise.all([
      jobs.refresh(),
      pools.refresh(),
      // The Schedules view says what went wrong when it opens; the rest of the window goes on.
      schedules.refresh().catch(() => undefined),
      detail.jobId === null ? null : detail.reload(),
    ])
  }
  const stops = [
    api.on('job.updated', (job) => {
      jobs.apply(job)
      detail.applySummary(job)
      samples.recordJob(job)
    }),
    api.on('job.ended', (job) => {
      jobs.apply(job)
      samples.recordJob(job)
      if (detail.jobId === job.id) void detail.reload().then(detail.loadStats)
      onJobEnded?.(job.title, job.state, job.planOnly, job.then?.notify ?? false)
    }),
    api.on('job.removed', ({ jobId }) => {
      jobs.forget(jobId)
      samples.forgetJob(jobId)
    }),
    api.on('job.log', ({ entries }) => detail.appendLogs(entries)),
    api.on('schedule.updated', (schedule) => schedules.apply(schedule)),
    api.on('schedule.removed', ({ scheduleId }) => schedules.forget(scheduleId)),
    api.on('queue.empty', () => onQueueEmpty?.()),
    api.on('pool.updated', (pool) => {
      pools.apply(pool)
      samples.recordPool(pool)
    }),
  ]
  // A pool says nothing while nothing changes: its last word still holds, and the charts move on.
  const carryOn = setInterval(() => pools.pools.forEach((pool) => samples.recordPool(pool)), 2000)
  stops.push(() => clearInterval(carryOn))
  if (api.getPathForFile) {
    // The desktop app also says which paths a second launch was given and which job a
    // notification was about.
    const desktop = api as unknown as TaskFarmBridge
    stops.push(
      desktop.on('desktop.showJob', ({ jobId }) => ui.go('job', jobId)),
      desktop.on('desktop.openPaths', ({ paths }) => {
        const list = paths.find((p) => /\.(txt|csv)$/i.test(p))
        if (list) ui.openUrls({ path: list })
        else if (paths.length > 0) ui.openCopy({ sources: paths })
      }),
      // A desktop notification the OS would not show, shown in the window instead.
      desktop.on('desktop.notice', (notice) => onNotice?.(notice)),
    )
  }
  if (api.onConnectionChange) {
    stops.push(
      api.onConnectionChange((connected, refused) => {
        const wasDown = !ui.connected
        ui.connected = connected
        // Every failed retry closes again: only a 403 (or the link back) changes what is said.
        if (connected) ui.tokenRefused = false
        else if (refused) ui.tokenRefused = true
        if (!connected && !wasDown) ui.disconnectedAt = Date.now()
        if (connected && wasDown) void refreshAll()
      }),
    )
  }
  void refreshAll()
  return () => stops.forEach((stop) => stop())
}
