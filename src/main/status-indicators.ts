import type { BrowserWindow } from 'electron'
import { timerSchedule as schedule } from '../core/schedule'
import { taskbarProgress } from './decisions/taskbar-progress'
import { farmCounts } from './decisions/tray-label'
import type { ApiHandlers } from './ipc-bridge'
import type { FarmTray } from './tray'

export interface StatusIndicatorParts {
  /** The window's handlers: an attached app shows the owner's counts. */
  api: () => ApiHandlers
  /** False once the app is closing: nothing is refreshed after that. */
  isOpen: () => boolean
  tray: () => FarmTray | null
  window: () => BrowserWindow | null
  keepAwake: { set(busy: boolean): void }
}

/** Tray counts, taskbar progress and keep-awake follow the farm, at most twice a second. */
export class StatusIndicators {
  /** The running jobs as last seen: written to the resume list at once when the session ends. */
  runningJobIds: number[] = []
  private pending = false

  constructor(private readonly parts: StatusIndicatorParts) {}

  soon(): void {
    if (this.pending || !this.parts.isOpen()) return
    this.pending = true
    schedule(500, () => {
      this.pending = false
      if (this.parts.isOpen()) void this.refresh().catch(() => undefined) // a farm gone meanwhile: the takeover refreshes
    })
  }

  private async refresh(): Promise<void> {
    const api = this.parts.api()
    const pools = await api.handle('pools.list', {})
    const { jobs } = await api.handle('jobs.list', { states: ['running'], limit: 1000, offset: 0 })
    if (!this.parts.isOpen()) return
    this.runningJobIds = jobs.map((job) => job.id)
    // The machine stays awake while jobs run (the owner's jobs too: they are this window's work).
    this.parts.keepAwake.set(jobs.length > 0)
    this.parts.tray()?.update(farmCounts(pools))
    const progress = taskbarProgress(jobs)
    const window = this.parts.window()
    if (window && !window.isDestroyed()) window.setProgressBar(progress.value, { mode: progress.mode })
  }
}
