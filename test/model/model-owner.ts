import type { ChildProcess } from 'node:child_process'
import { findOwner } from '../../src/host/find-owner'
import type { ControlClient } from '../../src/host/control-client'
import type { PoolName } from '../../src/shared/job-spec'
import { startCli, startServe, type CliResult, type Served } from '../cli/served-farm'

/** A `task-farm wait` started by the model: a client attached to one job's end. */
export interface WaitingClient {
  jobId: number
  child: ChildProcess
  result: Promise<CliResult>
  /** Null while it runs; when it exited. */
  exitedAt: number | null
  code: number | null
  /** `--timeout` it was given, in ms (null: waits for the end). */
  timeoutMs: number | null
  startedAt: number
}

/** Pool sizes every farm of the model starts with (resize steps change them). */
export const startSizes: Record<PoolName, number> = { cpu: 2, disk: 1, network: 1 }

/**
 * The farm the model drives: a real `task-farm serve` child owning the history (so kill -9 is real),
 * with this process as a client over its control endpoint, as the CLI and the window are.
 */
export class ModelOwner {
  served!: Served
  client!: ControlClient
  readonly clients: WaitingClient[] = []
  sizes = { ...startSizes }

  private constructor(
    readonly dbPath: string,
    readonly dir: string,
  ) {}

  static async open(dbPath: string, dir: string): Promise<ModelOwner> {
    const owner = new ModelOwner(dbPath, dir)
    await owner.start()
    for (const [pool, size] of Object.entries(startSizes)) await owner.resize(pool as PoolName, size)
    return owner
  }

  private async start(): Promise<void> {
    this.served = await startServe(this.dbPath, this.dir)
    const client = await findOwner(this.dbPath)
    if (!client) throw new Error(`no control endpoint for ${this.dbPath}:\n${this.served.output()}`)
    this.client = client
  }

  async resize(pool: PoolName, size: number): Promise<void> {
    await this.client.call('pools.resize', { pool, size })
    this.sizes[pool] = size
  }

  /** kill -9 of the owner, then `serve` again on the same history (the new one recovers it). */
  async killAndReopen(): Promise<void> {
    this.client.close()
    await this.served.stop('SIGKILL')
    await this.start()
    // Pool sizes are kept in the history's settings; set them again in case the kill beat the write.
    for (const [pool, size] of Object.entries(this.sizes)) await this.resize(pool as PoolName, size)
  }

  /** Attaches a `task-farm wait` to a job, with or without a timeout. */
  attach(jobId: number, timeoutS: number | null): WaitingClient {
    const args = ['wait', String(jobId), ...(timeoutS === null ? [] : ['--timeout', String(timeoutS)])]
    const child = startCli(this.dbPath, args)
    const client: WaitingClient = {
      jobId,
      child,
      result: child.result,
      exitedAt: null,
      code: null,
      timeoutMs: timeoutS === null ? null : timeoutS * 1000,
      startedAt: Date.now(),
    }
    void child.result.then((r) => {
      client.exitedAt = Date.now()
      client.code = r.code
    })
    this.clients.push(client)
    return client
  }

  /** Stops the farm gracefully and every client still waiting. */
  async close(): Promise<void> {
    for (const c of this.clients) if (c.exitedAt === null) c.child.kill('SIGKILL')
    await Promise.all(this.clients.map((c) => c.result))
    this.client.close()
    const code = await Promise.race([
      this.served.stop('SIGTERM'),
      new Promise<'slow'>((r) => setTimeout(() => r('slow'), 15_000)),
    ])
    if (code === 'slow') await this.served.stop('SIGKILL')
  }
}
