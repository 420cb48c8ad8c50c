import type { PoolName } from '../shared/job-spec'
import type { JobState } from '../shared/job-state'
import type { ApiChannel, ApiRequest, ApiResponse } from '../shared/api'
import type { Farm } from '../core/farm'
import { historyPath } from '../core/paths'
import type { JobStore } from '../core/store/job-store'
import { FarmLock } from '../core/store/farm-lock'
import type { ControlClient } from '../host/control-client'
import type { RemoteLink } from '../core/remote-link'
import { LazyRemoteLink } from './lazy-remote-link'
import { dropPrestarted, workerLauncher } from './worker-launcher'

export interface GlobalOptions {
  db?: string
  redis?: string
}

/**
 * What every command needs: where the history is, the farm that owns it (when one runs), and how to
 * open it for reading or for running jobs. Heavy modules load only when a command asks for them.
 */
export class CliContext {
  private ownerClient: Promise<ControlClient | null> | undefined
  private farmAlive: boolean | undefined

  constructor(private readonly globals: () => GlobalOptions) {}

  get dbPath(): string {
    return historyPath(this.globals().db)
  }

  /** A client of the live farm that owns the history, or null when none runs (then commands run it themselves). */
  owner(): Promise<ControlClient | null> {
    this.ownerClient ??= import('../host/find-owner').then(({ findOwner }) => findOwner(this.dbPath))
    return this.ownerClient
  }

  /** `--detach` with no farm running: starts one in the background and becomes its client. */
  async startOwner(): Promise<ControlClient> {
    const { startBackgroundOwner } = await import('./background-owner')
    const started = startBackgroundOwner(this)
    this.ownerClient = started.catch(() => null)
    return started
  }

  /** A farm that runs only the jobs this command starts (not the queue someone else left). */
  async openFarm(poolSizes: Partial<Record<PoolName, number>> = {}): Promise<Farm> {
    // The queue library loads, and its Redis connections open, while the farm's own code loads.
    const remote = this.remoteLink()
    const [{ Farm }, launcher] = await Promise.all([import('../core/farm'), workerLauncher()])
    const pools = Object.fromEntries(Object.entries(poolSizes).map(([name, size]) => [name, { size }]))
    return new Farm({
      dbPath: this.dbPath,
      launcher,
      pools,
      remote,
    })
  }

  /** Whether --redis was given on this command line (not only in the environment). */
  get redisFlagGiven(): boolean {
    return this.globals().redis !== undefined
  }

  /** The Redis of remote worker hosts, when one was given (--redis or $TASK_FARM_REDIS). */
  get redisUrl(): string | undefined {
    return this.globals().redis ?? (process.env.TASK_FARM_REDIS || undefined)
  }

  /** Remote capacity for a farm this command opens, if the person asked for it (BullMQ loads only then). */
  remoteLink(): RemoteLink | undefined {
    const url = this.redisUrl
    return url ? new LazyRemoteLink(url) : undefined
  }

  /**
   * One call of the contract: to the owner when one runs, else on a farm this command opens on the
   * history for the call (checked by the same handlers either way).
   */
  async call<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResponse<C>> {
    const owner = await this.owner()
    if (owner) return owner.call(channel, request)
    const farm = await this.openFarm()
    try {
      const { createApiHandlers } = await import('../core/api-handlers')
      // The CLI's user typed every path it names: the `local` door.
      return await createApiHandlers(farm).handle(channel, request, 'local')
    } finally {
      await farm.shutdown('graceful')
    }
  }

  /** Read-only access, closed when `use` is done: works while another farm is running jobs on the file. */
  async withHistory<T>(use: (store: JobStore) => T | Promise<T>): Promise<T> {
    const [{ JobStore }, { openDatabase, closeReader }] = await Promise.all([
      import('../core/store/job-store'),
      import('../core/store/open-database'),
    ])
    const store = new JobStore(openDatabase(this.dbPath, { readonly: true }))
    try {
      return await use(store)
    } finally {
      closeReader(store.db, this.dbPath)
    }
  }

  /**
   * A job stored as running whose farm is gone (killed, crashed) is shown as interrupted, as the next
   * farm to open the history will record it.
   */
  shownState(state: JobState): JobState {
    if (state !== 'running') return state
    this.farmAlive ??= FarmLock.isHeld(this.dbPath)
    return this.farmAlive ? state : 'interrupted'
  }

  /** Lets go of the owner's connection, so the process can end. */
  async close(): Promise<void> {
    await dropPrestarted()
    const client = await this.ownerClient?.catch(() => null)
    client?.close()
  }
}
