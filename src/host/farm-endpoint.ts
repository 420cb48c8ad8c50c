import { createApiHandlers } from '../core/api-handlers'
import type { Farm } from '../core/farm'
import { FarmLock } from '../core/store/farm-lock'
import { controlEndpointFor } from './control-endpoint'
import { startControlServer, type ControlServer } from './control-server'
import type { ApiHandlers } from '../core/api-handlers'

/**
 * Makes the farm that owns a history reachable by its clients: listens on the history's control
 * endpoint and records it in the lock, where `task-farm` looks first. Every owner calls this: the
 * desktop app, `task-farm serve`, and a CLI command that runs the farm itself.
 */
export async function listenForClients(farm: Farm, api: ApiHandlers = createApiHandlers(farm)): Promise<ControlServer> {
  const dbPath = farm.options.dbPath
  const server = await startControlServer({ endpoint: controlEndpointFor(dbPath), api, events: farm.events })
  FarmLock.recordEndpoint(dbPath, server.endpoint)
  return server
}
