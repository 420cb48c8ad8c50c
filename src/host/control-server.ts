import { createServer, type Socket } from 'node:net'
import { prepareControlEndpoint, protectControlEndpoint, removeControlEndpoint } from './control-endpoint'
import type { ControlSession } from './control-session'
import type { FarmEventSource } from './farm-event-feed'
import type { ApiHandlers } from '../core/api-handlers'

export interface ControlServerOptions {
  /** `controlEndpointFor(dbPath)`. */
  endpoint: string
  /** `createApiHandlers(farm)`: the same checks as the window's calls. */
  api: ApiHandlers
  events: FarmEventSource
  /** The lock's token (`FarmLock.ownToken`): a client proves it knows it before it gets anything. */
  token: string
}

export interface ControlServer {
  readonly endpoint: string
  /** Clients connected now. */
  readonly clients: number
  /** Sends each client what is pending, ends every connection and stops listening. */
  close(): Promise<void>
}

/** The owner's local control endpoint: the contract's third transport, beside IPC and the WebSocket. */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  prepareControlEndpoint(options.endpoint)
  const sessions = new Map<Socket, ControlSession>()
  // A session's code, and with it the contract's schemas, loads with the first client: a CLI run that
  // no other command reaches never pays for it (about a tenth of its start-up). Until then the socket
  // is not read, so what the client sends waits in it; an error meanwhile just ends that connection.
  let sessionCode: Promise<typeof import('./control-session')> | undefined
  let closing: Promise<void> | null = null
  const server = createServer((socket) => {
    const dropEarly = (): void => void socket.destroy()
    socket.once('error', dropEarly)
    sessionCode ??= import('./control-session')
    void sessionCode.then(({ runControlSession }) => {
      socket.off('error', dropEarly)
      if (socket.destroyed || closing) return void socket.destroy()
      sessions.set(socket, runControlSession(socket, options.api, options.events, options.token))
      socket.on('close', () => sessions.delete(socket))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.endpoint, () => {
      server.off('error', reject)
      resolve()
    })
  })
  protectControlEndpoint(options.endpoint)
  // A listening error later (rare: the socket file removed under us) must not crash the owner.
  server.on('error', (error) => console.error('task-farm: the control endpoint failed:', error))
  return {
    endpoint: options.endpoint,
    get clients() {
      return sessions.size
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const session of sessions.values()) session.end()
        server.close(() => {
          removeControlEndpoint(options.endpoint)
          resolve()
        })
      })
      return closing
    },
  }
}
