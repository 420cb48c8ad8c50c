import type { PoolInfo } from '../shared/api-types'
import type { PoolName } from '../shared/job-spec'
import { UserError } from '../shared/user-error'
import type { RemoteFarmSide, RemoteLink } from './remote-link'

/** The farm's remote capacity, if any: which link is attached, and switching it when Settings change. */
export class FarmRemote {
  private link: RemoteLink | undefined

  constructor(
    private readonly side: RemoteFarmSide,
    private readonly poolNames: () => Iterable<PoolName>,
    initial: RemoteLink | undefined,
    private readonly connect: ((url: string) => RemoteLink) | undefined,
  ) {
    if (initial) this.attach(initial)
  }

  /** Adds the remote hosts of each pool to what the Pools view shows. */
  withHosts(infos: PoolInfo[]): PoolInfo[] {
    const link = this.link
    return link ? infos.map((info) => ({ ...info, remoteHosts: link.hosts(info.name) })) : infos
  }

  control(hostId: string, action: 'drain' | 'stop'): Promise<void> {
    if (!this.link)
      throw new UserError(
        'This farm has no remote workers (give it a Redis URL in Settings, or start it with --redis).',
        'no-remote',
      )
    return this.link.control(hostId, action)
  }

  /** Remote workers through another Redis, or none (`''`): the old link's batches go back to the queue. */
  async setUrl(url: string): Promise<void> {
    if (!this.connect)
      throw new UserError('This farm was started with a fixed Redis (--redis or $TASK_FARM_REDIS).', 'remote-fixed')
    const next = url ? this.connect(url) : undefined
    await this.close()
    if (next) this.attach(next)
    for (const name of this.poolNames()) this.side.changed(name)
  }

  async close(): Promise<void> {
    const link = this.link
    this.link = undefined
    await link?.close()
  }

  private attach(link: RemoteLink): void {
    this.link = link
    link.attach(this.side)
  }
}
