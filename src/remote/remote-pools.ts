import type { PoolName } from '../shared/job-spec'

// Kept apart from the queue code so that the CLI can name the pools without loading BullMQ.
/** The pools whose work can run on another machine. Copy (disk) needs the local disk and never goes. */
export const remotePools = ['network', 'cpu'] as const satisfies readonly PoolName[]
export type RemotePool = (typeof remotePools)[number]

export const isRemotePool = (pool: string): pool is RemotePool => (remotePools as readonly string[]).includes(pool)
