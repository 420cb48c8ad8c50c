import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { UserError } from '../shared/user-error'
import { wireExportPath, wireSocketPath, wireTokenParam } from '../shared/web-wire'
import { builtRendererDir } from '../core/bundle-paths'
import { sendExport } from './export-download'
import { createRequestGuard, type RequestGuard } from './request-guard'
import { runSocketSession, type ApiHandlers, type FarmEventSource } from './socket-session'
import { sendStaticFile } from './static-files'

export type { ApiHandlers, FarmEventSource } from './socket-session'

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
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new UserError(
      `The window is not built yet (no ${join(rendererDir, 'index.html')}): run \`npm run build\` first.`,
      'not-built',
    )
  }
  let guard: RequestGuard | null = null
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })

  const server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      console.error('task-farm serve: request failed:', error)
      if (!response.headersSent) response.writeHead(500).end()
      else response.destroy()
    })
  })
  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refusal = guard!.refuse(request, { needsOrigin: false })
    if (refusal) {
      response.writeHead(403, { 'Content-Type': 'text/plain' }).end(`Forbidden: ${refusal}.`)
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET' }).end()
      return
    }
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    response.setHeader('Set-Cookie', guard!.cookie)
    if (path === wireExportPath) return sendExport(request, response, options.api)
    return sendStaticFile(rendererDir, path, response)
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    const refusal = path === wireSocketPath ? guard!.refuse(request, { needsOrigin: true }) : 'unknown path'
    if (refusal) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n`)
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => runSocketSession(ws, options.api, options.events))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  guard = createRequestGuard(token, port)

  return {
    url: `http://127.0.0.1:${port}/?${wireTokenParam}=${token}`,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export { serveFarm, type ServeFarmOptions, type ServedFarm } from './serve-farm'
export { ControlClient, FarmGoneError } from './control-client'
export { findOwner } from './find-owner'
export { listenForClients } from './farm-endpoint'
export { openOrAttachFarm, type OwnedOrAttached } from './open-or-attach'
