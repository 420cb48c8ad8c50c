import type { RemoteHostInfo } from '../shared/api-types'
import type { PoolName } from '../shared/job-spec'
import type { LogLevel } from '../shared/job-state'
import type { WorkerPool } from './worker-pool'

/**
 * What the farm sees of remote capacity (the implementation is `src/remote`, on BullMQ): slots of
 * remote hosts are added to the pools as workers, and hosts are listed with the pools. The farm
 * never imports the queue library; whoever opens the farm (CLI, web host) passes this in.
 */
export interface RemoteLink {
  /** Called once by the farm: the pools to add remote slots to, and how to report. */
  attach(farm: RemoteFarmSide): void
  /** The remote hosts serving a pool, as the Pools view lists them; null when the pool never runs remotely. */
  hosts(pool: PoolName): RemoteHostInfo[] | null
  /** Drain: the host finishes its batches and leaves. Stop: it leaves now; its batches go to other hosts. */
  control(hostId: string, action: 'drain' | 'stop'): Promise<void>
  close(): Promise<void>
}

export interface RemoteFarmSide {
  pools: Record<PoolName, WorkerPool>
  /** Remote capacity changed: give the new slots work. */
  dispatch(pool: PoolName): void
  /** The hosts' list changed: the Pools view should refresh. */
  changed(pool: PoolName): void
  log(level: LogLevel, message: string): void
  /** The history's folder: the remote key lives beside the history. */
  historyFolder: string
  /** Whether a job is cancelled (durably, in the history): no host may run a batch of it again. */
  cancelled(jobId: number): boolean
}
