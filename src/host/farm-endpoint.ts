import { randomBytes } from 'node:crypto'
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
export async function listenForClients(
  farm: Farm,
  api: ApiHandlers = handlersOnFirstCall(farm),
): Promise<ControlServer> {
  const dbPath = farm.options.dbPath
  const token = FarmLock.ownToken(dbPath)
  if (token === undefined) throw new Error(`This process does not hold the lock of ${dbPath}.`)
  // A pipe's name can be taken by any user before the owner starts: a random ending makes it unguessable
  // (clients read the name from the lock). A socket lives in a folder of this user's only.
  const endpoint = controlEndpointFor(dbPath)
  const named = endpoint.startsWith('\\\\') ? `${endpoint}-${randomBytes(8).toString('hex')}` : endpoint
  const server = await startControlServer({ endpoint: named, api, events: farm.events, token })
  FarmLock.recordEndpoint(dbPath, server.endpoint)
  return server
}

/** The contract's handlers, loaded by the first call a client makes (most CLI runs get none). */
function handlersOnFirstCall(farm: Farm): ApiHandlers {
  let handlers: Promise<ApiHandlers> | undefined
  return {
    async handle(channel, raw, door) {
      handlers ??= import('../core/api-handlers').then(({ createApiHandlers }) => createApiHandlers(farm))
      return (await handlers).handle(channel, raw, door)
    },
  }
}
