import { app, type BrowserWindow } from 'electron'
import { join } from 'node:path'
import { createApiHandlers } from '../core/api-handlers'
import { Farm } from '../core/farm'
import type { ApiEvent } from '../shared/api'
import type { JobSummary, PoolInfo, Settings } from '../shared/api-types'
import type { DesktopEvent } from '../shared/desktop-api'
import { timerSchedule as schedule } from '../core/schedule'
import { EventThrottle, farmStateKey } from '../core/event-throttle'
import { rememberJobsToResume, takeJobsToResume } from './decisions/resume-on-start'
import type { TrayAction } from './decisions/tray-label'
import { ProcessMetricsSampler } from './decisions/worker-metrics'
import { QuitGate } from './decisions/quit-gate'
import { ShutdownPhases, type ShutdownPhase } from './decisions/shutdown-phases'
import { trayHostPresent } from './decisions/tray-host'
import type { UpdateFlow } from './decisions/update-flow'
import { createDesktopHandlers, setAllPools } from './desktop-actions'
import { registerIpcBridge, sendToPage, type ApiHandlers } from './ipc-bridge'
import { FarmConnection, type FarmSide } from './farm-connection'
import { createKeepAwake } from './keep-awake'
import { createMainWindow, isTrustedSender } from './main-window'
import { createJobNotifier } from './notifications'
import { pauseRunningJobs, settleJobsBeforeQuit } from './quit-flow'
import { onSessionEnd } from './session-end'
import { StatusIndicators } from './status-indicators'
import { createFarmTray, type FarmTray } from './tray'
import { createUpdateFlow } from './updates'
import { utilityProcessLauncher } from './utility-process-worker'

const resourcesDir = app.isPackaged ? process.resourcesPath : join(import.meta.dirname, '../../resources')
const appIcon = join(resourcesDir, process.platform === 'win32' ? 'icon.ico' : 'icon.png')
/** Electron's userData is the folder the CLI uses too (`core/paths`), unless `--user-data-dir` moved it. */
const resumeFile = (): string => join(app.getPath('userData'), 'resume-on-start.json')
/** The farm in its desktop clothes: one window, a tray, notifications, and a careful quit. */
export class DesktopApp {
  private window: BrowserWindow | null = null
  private tray: FarmTray | null = null
  private settings: Pick<Settings, 'notifications' | 'closeToTray'> & { queueNotify?: boolean } = {
    notifications: true,
    closeToTray: false,
  }
  private readonly shutdown = new ShutdownPhases({
    teardown: () => this.teardown(),
    closed: () => app.quit(),
    failed: (what, error) => console.error(`${what} failed:`, error),
  })
  private get phase(): ShutdownPhase {
    return this.shutdown.current
  }
  private trayAvailable = true
  private readonly keepAwake = createKeepAwake()
  private readonly indicators = new StatusIndicators({
    api: () => this.api,
    isOpen: () => this.phase === 'open',
    tray: () => this.tray,
    window: () => this.window,
    keepAwake: this.keepAwake,
  })
  private stopWatchingSession: () => void = () => undefined
  private updates!: UpdateFlow
  /** A second Quit while the question is open waits for the same answer instead of asking twice. */
  private readonly quitGate = new QuitGate({
    ask: () => this.askAndQuit(),
    bringForward: () => this.bringQuestionForward(),
    failed: (error) => console.error('Quitting failed:', error),
  })
  /** CPU and memory change without any farm event; the Pools view hears of them every 2 s. */
  private readonly metrics = new ProcessMetricsSampler({
    read: () => app.getAppMetrics(),
    schedule,
    everyMs: 2000,
    sampled: () => this.pushMetrics(),
  })
  private readonly toPage = new EventThrottle<ApiEvent | DesktopEvent>({
    send: (event, payload) => sendToPage(this.window?.webContents ?? null, event, payload),
    stateKey: farmStateKey,
    schedule,
    intervalMs: 100,
  })
  private readonly notifier = createJobNotifier({
    enabled: () => this.settings.notifications,
    icon: appIcon,
    open: (jobId) => this.showWindow(jobId),
    fallback: (notice) => this.sendWhenLoaded('desktop.notice', notice),
  })
  private connection!: FarmConnection

  /** The window's handlers: the app's own farm, or the owner's through its control endpoint. */
  get api(): ApiHandlers {
    return this.connection.api
  }

  private constructor() {}

  /**
   * Attaches to the process that owns the history (`task-farm serve`, a CLI run), or with none opens
   * it and listens for the CLI; then shows the window. When that owner goes away, the app takes over.
   */
  static async start(): Promise<DesktopApp> {
    // As core/paths' historyPath (the CLI's), but in Electron's userData, which `--user-data-dir` moves.
    const dbPath = process.env.TASK_FARM_DB ?? join(app.getPath('userData'), 'history.sqlite')
    const worker = join(import.meta.dirname, 'worker.js')
    const desktop = new DesktopApp()
    const trayHost = trayHostPresent()
    desktop.connection = await FarmConnection.open({
      dbPath,
      open: () =>
        new Farm({
          dbPath,
          launcher: utilityProcessLauncher(worker),
          autoStart: true,
          // Electron measures its utility processes itself: no `ps`/PowerShell per worker every second.
          measureWorkers: false,
        }),
      // The Pools view (and `task-farm pools`) gets CPU and memory only Electron can measure.
      api: (farm) => createApiHandlers(farm, { decoratePool: (pool) => desktop.metrics.fill(pool) }),
      event: (event, payload) => desktop.onFarmEvent(event, payload),
      switched: (side) => desktop.becameSide(side),
      failed: (error) => desktop.takeOverFailed(error),
    })
    desktop.trayAvailable = await trayHost
    desktop.updates = await createUpdateFlow({
      window: () => desktop.window,
      announce: (title, status) =>
        desktop.sendWhenLoaded('desktop.notice', { title, body: status.message, jobId: null }),
    })
    desktop.wire()
    return desktop
  }

  showWindow(jobId: number | null = null): void {
    if (!this.window || this.window.isDestroyed()) this.openWindow()
    const window = this.window!
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
    if (jobId !== null) this.sendWhenLoaded('desktop.showJob', { jobId })
  }

  openPaths(paths: string[]): void {
    this.showWindow()
    if (paths.length > 0) this.sendWhenLoaded('desktop.openPaths', { paths })
  }

  /** A window opened a moment ago has no page listening yet; tell it once it has. */
  private sendWhenLoaded(event: DesktopEvent, payload: unknown): void {
    const contents = this.window?.webContents
    if (contents?.isLoading()) contents.once('did-finish-load', () => this.toPage.push(event, payload))
    else this.toPage.push(event, payload)
  }

  /** `before-quit`: ask about running jobs (only of the app's own farm), then stop it and really quit. */
  quit(): Promise<void> {
    return this.quitGate.request()
  }

  /** The quit question is a sheet on a visible window, or an app-modal box: either way, to the front. */
  private bringQuestionForward(): void {
    if (this.window && !this.window.isDestroyed() && this.window.isVisible()) this.window.focus()
    else app.focus({ steal: true })
  }

  private async askAndQuit(): Promise<void> {
    if (this.phase !== 'open') return this.shutdown.settled
    await this.connection.settled()
    // An attached app's jobs run in the owner's process and go on without this window.
    if (this.connection.current.owner) {
      const choice = await settleJobsBeforeQuit({ api: this.api, window: this.window, resumeFile: resumeFile() })
      if (!choice || this.phase !== 'open') return this.shutdown.settled
    }
    await this.shutdown.close()
  }

  /**
   * Logout, shutdown, SIGTERM, SIGHUP: nobody will answer a question, so running jobs pause into the
   * resume list (the next start resumes them), the farm stops and cleans up, and the app exits.
   */
  endSession(reason: string): Promise<void> {
    if (this.phase !== 'open') return this.shutdown.settled
    console.info(`Task Farm: ${reason}; pausing running jobs until the next start.`)
    const owner = this.connection.current.owner
    // At once, from what was last seen: Windows may end the process any moment after session-end.
    if (owner) rememberJobsToResume(resumeFile(), this.indicators.runningJobIds)
    return this.shutdown.close(async () => {
      if (owner)
        await pauseRunningJobs({ api: this.api, resumeFile: resumeFile(), seen: this.indicators.runningJobIds })
    })
  }

  /** Everything the app runs, stopped; the farm last but the tray (a graceful shutdown takes a while). */
  private async teardown(): Promise<void> {
    this.stopWatchingSession()
    this.keepAwake.set(false)
    this.metrics.stop()
    this.toPage.close()
    this.notifier.flush()
    await this.connection.close()
    this.tray?.destroy()
  }

  /** Electron's `before-quit`: held (and the quit flow run) until the farm is closed. */
  beforeQuit(event: { preventDefault(): void }): void {
    if (this.shutdown.mayQuit()) return
    event.preventDefault()
    void this.quit()
  }

  get isQuitting(): boolean {
    return this.shutdown.mayQuit()
  }

  /** For the launch test and the wiring tests: what they cannot see from outside. */
  inspect(): { trayPresent: boolean; ownsFarm: boolean; phase: string; trayAvailable: boolean } {
    return {
      trayPresent: this.tray?.present() ?? false,
      ownsFarm: this.connection.current.owner,
      phase: this.phase,
      trayAvailable: this.trayAvailable,
    }
  }

  private wire(): void {
    registerIpcBridge({
      api: this.api,
      desktop: createDesktopHandlers(() => this.window, {
        trayAvailable: () => this.trayAvailable || process.platform === 'darwin',
        updates: () => this.updates,
      }),
      isTrustedSender: (event) => isTrustedSender(this.window, event),
      afterCall: (channel: string, response) => {
        if (channel === 'settings.set') this.applySettings(response as Settings)
      },
      beforeAnswer: () => this.toPage.flush(),
    })
    this.tray = createFarmTray(resourcesDir, (action) => this.onTrayAction(action))
    this.stopWatchingSession = onSessionEnd((reason) => this.endSession(reason))
    this.openWindow()
    this.becameSide(this.connection.current)
  }

  /** The same events reach the page, notifications and tray whether the farm is the app's or not. */
  private onFarmEvent(event: ApiEvent, payload: unknown): void {
    const owned = this.connection?.current.owner ?? false
    this.toPage.push(event, event === 'pool.updated' && owned ? this.metrics.fill(payload as PoolInfo) : payload)
    if (event === 'job.ended') this.notifier.jobEnded(payload as JobSummary)
    if (event === 'queue.empty' && this.settings.queueNotify) this.notifier.queueEmptied()
    if (event !== 'job.log') this.indicators.soon()
  }

  /** The history's settings, then what only an owner does: measure its workers, resume what its last quit paused. */
  private becameSide(side: FarmSide): void {
    side.api
      .handle('settings.get', {})
      .then((settings) => this.applySettings(settings))
      .catch(() => undefined) // the owner went away meanwhile: the takeover reads them again
    if (!side.owner) return this.metrics.stop()
    this.metrics.start()
    for (const jobId of takeJobsToResume(resumeFile())) {
      side.api.handle('jobs.resume', { jobId }).catch((error: unknown) => {
        side.farm.log(jobId, 'warn', 'core', `Could not resume after restart: ${(error as Error).message}`)
      })
    }
    this.indicators.soon()
  }

  private takeOverFailed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error)
    console.error('Taking the farm over failed:', error)
    this.sendWhenLoaded('desktop.notice', {
      title: 'The farm went away',
      body: `Task Farm could not open the history itself: ${message}`,
      jobId: null,
    })
  }

  private openWindow(): void {
    const window = createMainWindow(appIcon)
    this.window = window
    window.on('close', (event) => {
      if (this.phase === 'closed') return
      event.preventDefault()
      if (this.phase === 'closing') return
      // macOS apps live on in the Dock when their window closes; elsewhere it is the person's
      // choice, where a tray shows the app (stock GNOME has none: closing then quits).
      if ((this.settings.closeToTray && this.trayAvailable) || process.platform === 'darwin') window.hide()
      else void this.quit()
    })
    // Windows ends the session without before-quit: pause, as on a logout elsewhere.
    window.on('session-end', () => void this.endSession('the Windows session is ending'))
    window.webContents.on('did-finish-load', () => this.indicators.soon())
  }

  private applySettings(settings: Settings): void {
    this.settings = {
      notifications: settings.notifications,
      closeToTray: settings.closeToTray,
      queueNotify: settings.whenQueueEmpty?.notify,
    }
  }

  private onTrayAction(action: TrayAction): void {
    if (action === 'show') this.showWindow()
    else if (action === 'quit') void this.quit()
    else setAllPools(this.api, action)
  }

  private pushMetrics(): void {
    const side = this.connection.current
    if (!side.owner || !this.window?.isVisible()) return
    for (const pool of side.farm.poolInfo())
      if (pool.workers.length > 0) this.toPage.push('pool.updated', this.metrics.fill(pool))
  }
}
