import type { PoolName } from '../shared/job-spec'
import { childProcessLauncher } from '../core/child-process-worker'
import { bundledWorkerEntry } from '../core/bundle-paths'
import { Farm } from '../core/farm'
import { historyPath } from '../core/paths'
import { JobStore } from '../core/store/job-store'
import { FarmLock } from '../core/store/farm-lock'
import type { JobState } from '../shared/job-state'
import { openDatabase } from '../core/store/open-database'
import type { RemoteLink } from '../core/remote-link'
import { BullmqRemoteLink, checkRedisUrl } from '../remote'

export interface GlobalOptions {
  db?: string
  redis?: string
}

/** What every command needs: where the history is, and how to open it for reading or for running jobs. */
export class CliContext {
  constructor(private readonly globals: () => GlobalOptions) {}

  get dbPath(): string {
    return historyPath(this.globals().db)
  }

  /** A farm that runs only the jobs this command starts (not the queue someone else left). */
  openFarm(poolSizes: Partial<Record<PoolName, number>> = {}): Farm {
    const pools = Object.fromEntries(Object.entries(poolSizes).map(([name, size]) => [name, { size }]))
    return new Farm({ dbPath: this.dbPath, launcher: childProcessLauncher(bundledWorkerEntry()), pools, remote: this.remoteLink() })
  }

  /** The Redis of remote worker hosts, when one was given (--redis or $TASK_FARM_REDIS). */
  get redisUrl(): string | undefined {
    return this.globals().redis ?? (process.env.TASK_FARM_REDIS || undefined)
  }

  /** Remote capacity for a farm this command opens, if the person asked for it. */
  remoteLink(): RemoteLink | undefined {
    const url = this.redisUrl
    if (!url) return undefined
    checkRedisUrl(url)
    return new BullmqRemoteLink(url)
  }

  /** Read-only access: works while another farm is running jobs on the same file. */
  openReadOnly(): JobStore {
    return new JobStore(openDatabase(this.dbPath, { readonly: true }))
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
  private farmAlive: boolean | undefined
}
