/**
 * Updates with consent: a check finds out whether a newer release exists, the person is asked, and
 * only a yes downloads it; a downloaded update installs when the app quits. What goes wrong is one
 * sentence. No Electron here: `Updater` is the part of electron-updater's AppUpdater this uses.
 */
export interface Updater {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: { version: string } } | null>
  downloadUpdate(): Promise<string[]>
}

export type UpdateState = 'off' | 'checking' | 'latest' | 'available' | 'declined' | 'downloading' | 'ready' | 'failed'
export interface UpdateStatus {
  state: UpdateState
  message: string
}

export interface UpdateFlowOptions {
  /** Null when updates are off (development, unsigned macOS); `offReason` says why. */
  updater: (() => Promise<Updater>) | null
  offReason: string
  currentVersion: string
  /** Asks the person whether to download `version`; true to go ahead. */
  ask: (version: string) => Promise<boolean>
  /** The update is downloaded and installs on quit. */
  ready: (status: UpdateStatus) => void
}

export class UpdateFlow {
  private status: UpdateStatus
  private updater: Promise<Updater> | null = null
  private running: Promise<UpdateStatus> | null = null

  constructor(private readonly options: UpdateFlowOptions) {
    this.status = options.updater
      ? { state: 'latest', message: 'Not checked yet.' }
      : { state: 'off', message: options.offReason }
  }

  get current(): UpdateStatus {
    return this.status
  }

  /** One check at a time; once an update is downloaded (or downloading), says so instead. */
  check(): Promise<UpdateStatus> {
    if (this.status.state === 'off' || this.status.state === 'ready') return Promise.resolve(this.status)
    this.running ??= this.checkAndAsk().finally(() => (this.running = null))
    return this.running
  }

  /**
   * A quiet look (at startup): a newer release is news, said in the window; nothing is asked and
   * nothing downloaded until the person chooses "Check for updates". Failures stay quiet too.
   */
  async lookQuietly(): Promise<UpdateStatus | null> {
    if (this.status.state !== 'latest' || this.running) return null
    try {
      const result = await (await this.load()).checkForUpdates()
      if (!result?.isUpdateAvailable || this.status.state !== 'latest') return null
      const version = result.updateInfo.version
      return this.set('available', `Task Farm ${version} is available: "Check for updates" in Settings downloads it.`)
    } catch {
      return null
    }
  }

  private async checkAndAsk(): Promise<UpdateStatus> {
    try {
      const updater = await this.load()
      this.set('checking', 'Checking for updates…')
      const result = await updater.checkForUpdates()
      if (!result?.isUpdateAvailable)
        return this.set('latest', `Task Farm ${this.options.currentVersion} is the latest version.`)
      const version = result.updateInfo.version
      if (!(await this.options.ask(version)))
        return this.set('declined', `Task Farm ${version} is available; nothing was downloaded.`)
      this.set('downloading', `Downloading Task Farm ${version}…`)
      await updater.downloadUpdate()
      const ready = this.set('ready', `Task Farm ${version} is ready: it installs when you quit the app.`)
      this.options.ready(ready)
      return ready
    } catch (error) {
      return this.set('failed', updateFailure(error))
    }
  }

  private load(): Promise<Updater> {
    this.updater ??= this.options.updater!().then((updater) => {
      // Nothing is downloaded before the person agrees; an agreed one installs on the next quit.
      updater.autoDownload = false
      updater.autoInstallOnAppQuit = true
      return updater
    })
    return this.updater
  }

  private set(state: UpdateState, message: string): UpdateStatus {
    this.status = { state, message }
    return this.status
  }
}

/** electron-updater's errors (a code, a long message with the feed's body) as one sentence. */
export function updateFailure(error: unknown): string {
  const code = (error as { code?: unknown })?.code
  const detail = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 160) : String(error)
  if (
    code === 'ERR_UPDATER_INVALID_SIGNATURE' ||
    code === 'ERR_CHECKSUM_MISMATCH' ||
    /sha512 checksum mismatch/i.test(detail)
  )
    return 'The update was refused: it is not signed by Task Farm’s publisher, or it was altered on the way; nothing was installed.'
  if (
    typeof code === 'string' &&
    /CHANNEL_FILE_NOT_FOUND|INVALID_UPDATE_INFO|INVALID_VERSION|NO_FILES_PROVIDED|NO_CHECKSUM|LATEST_VERSION_NOT_FOUND|INVALID_RELEASE_FEED|NO_PUBLISHED_VERSIONS|RELEASE_NOT_FOUND|ASSET_NOT_FOUND/.test(
      code,
    )
  )
    return 'The update feed could not be read (a missing or malformed release); try again later.'
  if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN)$/.test(code))
    return 'The update server could not be reached; check the connection and try again.'
  return `Checking for updates failed: ${detail.replace(/[.\s]+$/, '')}.`
}
