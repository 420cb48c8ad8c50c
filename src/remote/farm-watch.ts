import type { Redis } from 'ioredis'
import { UserError } from '../shared/user-error'
import { REMOTE_PROTOCOL, farmKey, openFarmState, type FarmState, type RemoteTask } from './remote-protocol'
import type { RemoteSigner } from './remote-signing'

/** What a host knows of the farm: its signed state, read again on every (re)connect, every second and before every batch. */
export class FarmWatch {
  private state: FarmState | null = null

  constructor(
    private readonly redis: Redis,
    private readonly signer: RemoteSigner,
  ) {}

  /**
   * Reads the farm's state. A farm of another version, or one holding another key, is a one-sentence
   * error (`UserError`); no farm at all (not started yet, or Redis restarted empty) is null.
   */
  async read(): Promise<FarmState | null> {
    const text = await this.redis.get(farmKey)
    if (!text) return (this.state = null)
    const opened = openFarmState(this.signer, text)
    if (opened.protocol !== undefined && opened.protocol !== REMOTE_PROTOCOL)
      throw new UserError(
        `The farm on this Redis speaks protocol ${opened.protocol} and this worker ${REMOTE_PROTOCOL}: run the same Task Farm version on both.`,
        'protocol-mismatch',
      )
    if (!opened.ok)
      throw new UserError(
        `The farm on this Redis signs with another key than this worker's (${opened.reason}): give this worker the farm's remote.key with --key-file.`,
        'remote-key-mismatch',
      )
    return (this.state = opened.value)
  }

  /**
   * The farm's state, waiting a while when there is none: after a Redis restart the farm writes it
   * again within a second, and a batch that arrives first must not be refused for that.
   */
  async readWaiting(timeoutMs = 10_000): Promise<FarmState | null> {
    const until = Date.now() + timeoutMs
    let state = await this.read()
    while (!state && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      state = await this.read()
    }
    return state
  }

  /**
   * Why a batch must not run, or null: sent by an earlier run of the farm, or cancelled since. A
   * clean-up is the cancel's own work (it removes what the job left behind): a cancelled job's runs.
   */
  refusal(batchId: string, session: string, jobId: number, type: RemoteTask['type']): string | null {
    const state = this.state
    if (!state) return 'no farm is live on this Redis'
    if (session !== state.session) return 'an earlier run of the farm sent it'
    if (type !== 'cleanup' && state.revokedJobs.includes(jobId)) return `job ${jobId} was cancelled`
    if (state.revokedBatches.includes(batchId)) return 'the farm took it back'
    return null
  }
}
