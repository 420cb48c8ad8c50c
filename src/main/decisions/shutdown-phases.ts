export type ShutdownPhase = 'open' | 'closing' | 'closed'

/**
 * The app's way out: open → closing (the farm stops; a second Quit waits for it) → closed (only
 * now may Electron quit). Counting the app as quitting before its farm had stopped let a second
 * Cmd+Q through `before-quit` at once: the workers died mid-shutdown and the CLI's endpoint stayed.
 */
export class ShutdownPhases {
  private phase: ShutdownPhase = 'open'
  private closing: Promise<void> | null = null

  constructor(
    private readonly options: {
      /** Stops everything the app runs; `closed` follows it, also when it fails. */
      teardown: () => Promise<void>
      /** The app is closed: let Electron quit now. */
      closed: () => void
      failed: (what: string, error: unknown) => void
    },
  ) {}

  get current(): ShutdownPhase {
    return this.phase
  }

  /** The closing under way (or done), for a quit that arrives meanwhile to wait on. */
  get settled(): Promise<void> {
    return this.closing ?? Promise.resolve()
  }

  /** Closes once: `first` runs at the start of closing (pausing jobs), then the teardown. */
  close(first: () => Promise<void> = async () => undefined): Promise<void> {
    this.closing ??= (async () => {
      this.phase = 'closing'
      await first().catch((error: unknown) => this.options.failed('Pausing jobs for the next start', error))
      await this.options.teardown().catch((error: unknown) => this.options.failed('Stopping the farm', error))
      this.phase = 'closed'
      this.options.closed()
    })()
    return this.closing
  }

  /** Electron's `before-quit`: true when it may go through, false while the app must hold it. */
  mayQuit(): boolean {
    return this.phase === 'closed'
  }
}
