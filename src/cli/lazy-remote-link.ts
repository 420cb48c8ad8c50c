import type { RemoteFarmSide, RemoteLink } from '../core/remote-link'
import type { RemoteHostInfo } from '../shared/api-types'
import type { PoolName } from '../shared/job-spec'
import { UserError } from '../shared/user-error'
import { isRemotePool } from '../remote/remote-pools'

/**
 * Remote capacity loaded on first use: the queue library is big, and a CLI command that runs without
 * remote workers (most of them) should not pay for loading it at every start.
 */
export class LazyRemoteLink implements RemoteLink {
  private readonly link: Promise<RemoteLink>
  private loaded: RemoteLink | null = null

  constructor(url: string) {
    checkUrlShape(url)
    this.link = import('../remote').then(({ BullmqRemoteLink }) => (this.loaded = new BullmqRemoteLink(url)))
  }

  attach(farm: RemoteFarmSide): void {
    void this.link.then((link) => link.attach(farm))
  }
  hosts(pool: PoolName): RemoteHostInfo[] | null {
    return this.loaded ? this.loaded.hosts(pool) : isRemotePool(pool) ? [] : null
  }
  async control(hostId: string, action: 'drain' | 'stop'): Promise<void> {
    await (await this.link).control(hostId, action)
  }
  async close(): Promise<void> {
    await (await this.link).close()
  }
}

/** The same check as the remote layer's, without loading it: a bad URL is refused before anything starts. */
function checkUrlShape(url: string): void {
  if (!/^rediss?:\/\/[^\s]+$/i.test(url)) {
    throw new UserError(
      `"${url.replace(/:[^:@/]*@/, ':***@')}" is not a Redis URL: it must start with redis:// or rediss://.`,
      'bad-redis-url',
    )
  }
}
