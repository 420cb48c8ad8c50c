import { createApiHandlers } from '../core/api-handlers'
import { childProcessLauncher } from '../core/child-process-worker'
import { Farm } from '../core/farm'
import type { RemoteLink } from '../core/remote-link'
import { poolNames, type PoolName } from '../shared/job-spec'
import { bundledWorkerEntry } from '../core/bundle-paths'
import type { ControlServer } from './control-server'
import { listenForClients } from './farm-endpoint'
import { startWebHost, type WebHost } from './index'

export interface ServeFarmOptions {
  dbPath: string
  port?: number
  token?: string
  rendererDir?: string
  /** The bundled worker entry; defaults to `worker.js` beside this bundle (out/node). */
  workerEntry?: string
  /** Remote worker hosts (a farm started with --redis). */
  remote?: RemoteLink
  /** Remote worker hosts for a Redis URL chosen in Settings (used when `remote` is not given). */
  connectRemote?: (url: string) => RemoteLink
}

export interface ServedFarm {
  readonly host: WebHost
  readonly farm: Farm
  /** Closes the page's connections, then stops the farm (running jobs become `interrupted`). */
  close(): Promise<void>
}

/** The whole browser host: the real farm on a history database, behind the token-guarded web host. */
export async function serveFarm(options: ServeFarmOptions): Promise<ServedFarm> {
  const workerEntry = options.workerEntry ?? bundledWorkerEntry()
  const farm = new Farm({
    dbPath: options.dbPath,
    launcher: childProcessLauncher(workerEntry),
    autoStart: true,
    remote: options.remote,
    connectRemote: options.remote ? undefined : options.connectRemote,
  })
  // Pool sizes the person chose last time (Settings, or resizing a pool) outlive the host.
  const saved = (farm.store.setting('poolSizes') ?? {}) as Partial<Record<PoolName, number>>
  for (const name of poolNames) {
    const size = saved[name]
    if (size && size !== farm.pools[name].size) farm.resizePool(name, size)
  }
  const savedRedis = (farm.store.setting('settings') as { redisUrl?: string } | undefined)?.redisUrl
  if (!options.remote && options.connectRemote && savedRedis) {
    await farm.remote
      .setUrl(savedRedis)
      .catch((error: Error) =>
        farm.log(null, 'error', 'remote', `the Redis URL in Settings cannot be used: ${error.message}`),
      )
  }
  let host: WebHost
  let endpoint: ControlServer | undefined
  const api = createApiHandlers(farm)
  try {
    // The CLI and a second window reach this farm through its control endpoint.
    endpoint = await listenForClients(farm, api)
    host = await startWebHost({
      api,
      events: farm.events,
      port: options.port,
      token: options.token,
      rendererDir: options.rendererDir,
    })
  } catch (error) {
    await farm.shutdown('now')
    await endpoint?.close()
    throw error
  }
  return {
    host,
    farm,
    async close() {
      await host.close()
      await farm.shutdown('graceful')
      // After the farm: attached clients see their jobs become interrupted, then the farm go.
      await endpoint?.close()
    },
  }
}
