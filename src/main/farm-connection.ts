import type { ApiHandlers } from '../core/api-handlers'
import type { Farm } from '../core/farm'
import type { ControlClient } from '../host/control-client'
import type { ControlServer } from '../host/control-server'
import { openOrAttachFarm } from '../host/open-or-attach'
import { apiEventNames, type ApiEvent } from '../shared/api'

/** The farm as the app has it now: its own (it listens for clients too), or another process's. */
export type FarmSide =
  | { owner: true; farm: Farm; endpoint: ControlServer; api: ApiHandlers }
  | { owner: false; client: ControlClient; api: ApiHandlers }

export interface FarmConnectionOptions {
  dbPath: string
  open: () => Farm
  /** The farm's handlers as an owning app serves them, to its window and to its CLI clients alike. */
  api: (farm: Farm) => ApiHandlers
  /** Every farm event, from whichever side is current. */
  event: (event: ApiEvent, payload: unknown) => void
  /** After a takeover (not the first connection): the app starts what only an owner does. */
  switched: (side: FarmSide) => void
  /** A takeover that could not open the history; the window's calls fail (the farm is gone) meanwhile. */
  failed: (error: unknown) => void
}

/**
 * "The farm of this history" for the desktop app: it attaches to the process that owns the history
 * (`serve`, a CLI run) rather than taking it over, and takes over only when that owner goes away.
 * `api` stays the same object throughout, so the IPC bridge registered once keeps working.
 */
export class FarmConnection {
  private side!: FarmSide
  private unsubscribe: () => void = () => undefined
  private switching: Promise<void> | null = null
  private closed = false

  readonly api: ApiHandlers = { handle: (channel, raw, door) => this.side.api.handle(channel, raw, door) }

  private constructor(private readonly options: FarmConnectionOptions) {}

  /** Attaches or opens; fails as `openOrAttachFarm` does (a broken history, a farm that stays busy). */
  static async open(options: FarmConnectionOptions): Promise<FarmConnection> {
    const connection = new FarmConnection(options)
    const side = await connection.connect()
    if (side) connection.use(side)
    return connection
  }

  get current(): FarmSide {
    return this.side
  }

  /** Waits for a takeover under way, so that quitting decides on the side the app will have. */
  settled(): Promise<void> {
    return this.switching ?? Promise.resolve()
  }

  /** On quit, after the app settled running jobs: an owner stops its farm, then its clients' endpoint. */
  async close(): Promise<void> {
    this.closed = true
    await this.settled()
    this.unsubscribe()
    await release(this.side)
  }

  private async connect(): Promise<FarmSide | null> {
    let api: ApiHandlers | undefined
    const opened = await openOrAttachFarm(
      this.options.dbPath,
      this.options.open,
      (farm) => (api = this.options.api(farm)),
    )
    const side: FarmSide = opened.owner ? { ...opened, api: api! } : { ...opened, api: opened.client }
    if (!this.closed) return side
    // The app began quitting while this was opening: nothing may be left running.
    await release(side)
    return null
  }

  private use(side: FarmSide): void {
    this.unsubscribe()
    this.side = side
    const source = side.owner ? side.farm.events : side.client
    const unsubscribers = apiEventNames.map((event) =>
      source.on(event, (payload: unknown) => this.options.event(event, payload)),
    )
    this.unsubscribe = () => unsubscribers.forEach((off) => off())
    if (!side.owner) side.client.onGone(() => this.takeOver())
  }

  private takeOver(): void {
    if (this.closed || this.switching) return
    this.switching = this.connect()
      .then((side) => {
        if (!side) return
        this.use(side)
        this.options.switched(side)
      })
      .catch((error: unknown) => this.options.failed(error))
      .finally(() => (this.switching = null))
  }
}

async function release(side: FarmSide): Promise<void> {
  if (!side.owner) return side.client.close()
  await side.farm.shutdown('graceful')
  // After the farm: attached clients see their jobs become interrupted, then the farm go.
  await side.endpoint.close()
}
