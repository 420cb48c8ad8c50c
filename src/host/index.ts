import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { UserError } from '../shared/user-error'
import { wireExportPath, wireSocketPath, wireTokenParam } from '../shared/web-wire'
import type { ApiHandlers } from '../core/api-handlers'
import { builtRendererDir } from '../core/bundle-paths'
import { fanOutEvents, type FarmEventSource } from './event-fan-out'
import { sendExport } from './export-download'
import { createRequestGuard, type RequestGuard } from './request-guard'
import { runSocketSession } from './socket-session'
import { sendStaticFile } from './static-files'

export type { FarmEventSource } from './event-fan-out'

/**
 * The largest frame a page may send. The biggest call the contract has is a pasted or dropped URL
 * list (`jobs.create` with text input): 4 MiB holds some 80,000 URLs. Everything else is tiny.
 */
export const maxFrameBytes = 4 * 1024 * 1024
/** Pages connected at once; more are refused (503) until some leave. */
export const defaultMaxClients = 512

export interface WebHostOptions {
  /** `createApiHandlers(farm)`: validates and runs every call. */
  api: ApiHandlers
  /** `farm.events`. */
  events: FarmEventSource
  /** 0 (the default) picks a free port. */
  port?: number
  /** The built renderer; defaults to `out/renderer` next to the bundled `out/node`. */
  rendererDir?: string
  /** Random when not given; tests pass one to know it. */
  token?: string
  /** WebSocket connections open at once; `defaultMaxClients` when not given. */
  maxClients?: number
}

export interface WebHost {
  /** The address to open, token included. */
  readonly url: string
  readonly port: number
  readonly token: string
  close(): Promise<void>
}

/** Serves the renderer and the farm's contract over a WebSocket, on 127.0.0.1 only. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const rendererDir = options.rendererDir ?? builtRendererDir()
  const maxClients = options.maxClients ?? defaultMaxClients
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new UserError(
      `The window is not built yet (no ${join(rendererDir, 'index.html')}): run \`npm run build\` first.`,
      'not-built',
    )
  }
  let guard: RequestGuard | null = null
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes })
  const events = fanOutEvents(options.events)

  const server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      console.error('task-farm serve: request failed:', error)
      if (!response.headersSent) response.writeHead(500).end()
      else response.destroy()
    })
  })
  // Sockets beyond the pages' own plus room for assets and refusals are dropped by Node at once.
  server.maxConnections = maxClients + 64
  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = parseRequestUrl(request)
    if (!url) {
      response.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad request: malformed URL.')
      return
    }
    const refusal = guard!.refuse(request, url, { needsOrigin: false })
    if (refusal) {
      // The usual cause is an old tab after a restart: say what to do, not only what went wrong.
      const hint = refusal.includes('token') ? ' If the farm restarted, open the new address it printed.' : ''
      response.writeHead(403, { 'Content-Type': 'text/plain' }).end(`Forbidden: ${refusal}.${hint}`)
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET' }).end()
      return
    }
    response.setHeader('Set-Cookie', guard!.cookie)
    if (url.pathname === wireExportPath) return sendExport(url, response, options.api)
    return sendStaticFile(rendererDir, url.pathname, response)
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets mid-handshake must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy())
    const url = parseRequestUrl(request)
    const refusal = !url
      ? 'malformed URL'
      : url.pathname === wireSocketPath
        ? guard!.refuse(request, url, { needsOrigin: true })
        : 'unknown path'
    if (refusal) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n`)
      return
    }
    if (sockets.clients.size >= maxClients) {
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n`)
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => runSocketSession(ws, options.api, events.add))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  server.on('error', (error) => console.error('task-farm serve: server error:', error.message))
  const port = (server.address() as AddressInfo).port
  guard = createRequestGuard(token, port)

  return {
    url: `http://127.0.0.1:${port}/?${wireTokenParam}=${token}`,
    port,
    token,
    async close() {
      events.close()
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The request's URL, or null when it cannot be parsed (the client's mistake: a 400, not a crash). */
function parseRequestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://127.0.0.1')
  } catch {
    return null
  }
}

export { serveFarm, type ServeFarmOptions, type ServedFarm } from './serve-farm'
export { ControlClient, FarmGoneError } from './control-client'
export { findOwner } from './find-owner'
export { listenForClients } from './farm-endpoint'
export { openOrAttachFarm, type OwnedOrAttached } from './open-or-attach'
