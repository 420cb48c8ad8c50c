import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { createApiHandlers } from '../../src/core/api-handlers'
import type { Farm } from '../../src/core/farm'
import { startWebHost, type WebHost, type WebHostOptions } from '../../src/host/index'
import { openTestFarm, tempDir } from '../support/test-farm'

export interface ServedTestFarm {
  farm: Farm
  host: WebHost
  dir: ReturnType<typeof tempDir>
  dbPath: string
  origin: string
  /** An open WebSocket with the token and the host's own Origin. */
  connect(): Promise<WebSocket>
  /** One contract call over `ws`; resolves with the wire reply. */
  call(ws: WebSocket, channel: string, request: unknown): Promise<Record<string, unknown>>
  close(): Promise<void>
}

/** The real farm (real workers, a temp history) behind the web host, as `task-farm serve` runs it. */
export async function startServedTestFarm(options: Partial<WebHostOptions> = {}): Promise<ServedTestFarm> {
  const dir = tempDir('tf-served-')
  const rendererDir = join(dir.path, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Task Farm</title>')
  const { farm, dbPath } = openTestFarm({ autoStart: true }, dir)
  const host = await startWebHost({
    api: createApiHandlers(farm),
    events: farm.events,
    rendererDir,
    token: 'fuzz-token',
    ...options,
  })
  const origin = `http://127.0.0.1:${host.port}`
  let nextId = 1
  return {
    farm,
    host,
    dir,
    dbPath,
    origin,
    connect: () => openSocket(host, origin),
    call(ws, channel, request) {
      const id = nextId++
      return new Promise((resolve, reject) => {
        const onMessage = (data: Buffer): void => {
          const message = JSON.parse(data.toString()) as Record<string, unknown>
          if (message.type === 'result' && message.id === id) {
            ws.off('message', onMessage)
            ws.off('close', onClose)
            resolve(message)
          }
        }
        const onClose = (code: number): void => reject(new Error(`closed with ${code}`))
        ws.on('message', onMessage)
        ws.once('close', onClose)
        ws.send(JSON.stringify({ id, channel, request }))
      })
    },
    async close() {
      await host.close()
      await farm.shutdown('now')
      dir.remove()
    },
  }
}

export function openSocket(host: WebHost, origin: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, { origin })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** Resolves with the close code once `ws` is closed. */
export function closed(ws: WebSocket): Promise<number> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve(1006)
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)))
}
