import type { PoolName } from '../shared/job-spec'
import type { LifecycleDeps } from './job-lifecycle'
import type { ReadMachine } from './machine-room'
import type { RemoteLink } from './remote-link'
import type { WorkerLauncher } from './worker-handle'
import type { PoolConfig } from './worker-pool'

export interface FarmOptions {
  dbPath: string
  launcher: WorkerLauncher
  pools?: Partial<Record<PoolName, Partial<PoolConfig>>>
  /** Start the queued jobs found in the history (the app and the web host); the CLI runs only its own. */
  autoStart?: boolean
  cancelGraceMs?: number
  /**
   * How long a cancel's clean-up may take before its worker is killed and the job ends cancelled
   * anyway, with a warning (a hung clean-up would leave it cancelling forever). Default: 100 × the grace.
   */
  cleanupLimitMs?: number
  /** Read workers' CPU and memory with pidusage (default); the desktop app measures its own. */
  measureWorkers?: boolean
  /** How often progress is published: 100 ms keeps every job at ≤ 10 UI events per second. */
  tickMs?: number
  /** Remote worker hosts (src/remote, on BullMQ) that add capacity to the pools that can use them. */
  remote?: RemoteLink
  /** Opens remote capacity for a Redis URL chosen in Settings (the hosts that can offer it pass this). */
  connectRemote?: (url: string) => RemoteLink
  /**
   * Send every unit in the run messages, for workers that cannot read the history file (on other
   * hosts). By default workers read an item's units from the history themselves.
   */
  inlineUnits?: boolean
  /** Reads free memory and idle CPU (default: the system's, with $TASK_FARM_MACHINE_READING's overrides). */
  readMachine?: ReadMachine
  /** Sees every transition of every job's life as it is applied (the model-based test checks them). */
  onTransition?: LifecycleDeps['transitioned']
}
