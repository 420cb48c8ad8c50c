import { WebSocket } from 'ws'
import type { z } from 'zod'
import { apiChannels, type ApiResult } from '../../src/shared/api'
import { desktopChannels } from '../../src/shared/desktop-api'
import { wireFromHostSchema } from '../../src/shared/web-wire'
import type { ApiHandlers } from '../../src/core/api-handlers'
import { createIpcDispatch, type DesktopHandlers } from '../../src/main/ipc-dispatch'
import type { WebHost } from '../../src/host/index'
import type { FuzzInput } from './fuzz-inputs'

/** How one request ended: a reply, or the transport closed the connection (with its code). */
export type Outcome = { kind: 'reply'; result: ApiResult<unknown> } | { kind: 'closed'; code: number }

/**
 * One door of the farm, as the fuzz harness drives it. A new transport (the local control
 * endpoint) needs only one of these: `send` one input, resolve with how it ended.
 */
export interface FuzzTransport {
  readonly name: string
  /** Request and response schemas of every channel this door serves. */
  readonly channels: Record<string, { request: z.ZodType; response: z.ZodType }>
  /** Whether raw frames (bytes, not calls) can be sent through it. */
  readonly carriesFrames: boolean
  send(input: FuzzInput): Promise<Outcome>
  /** Anything the door sent that broke its own wire format (checked after each case). */
  readonly malformed: string[]
  close(): Promise<void>
}

/** The Electron IPC bridge's handling, called as `ipcMain.handle` would, from the app's own frame. */
export function ipcTransport(api: ApiHandlers, pickedSavePath: string): FuzzTransport {
  const desktop: DesktopHandlers = {
    'desktop.pickPaths': async ({ mode }) => ({ paths: mode === 'save' ? [pickedSavePath] : [] }),
    'desktop.openExternal': async () => ({ ok: true }),
    'desktop.showItem': async () => ({ ok: true }),
    'desktop.shellInfo': async () => ({ tray: true, updates: { state: 'off', message: 'Off.' } }),
    'desktop.checkForUpdates': async () => ({ state: 'off', message: 'Off.' }),
  }
  const dispatch = createIpcDispatch({ api, desktop })
  let garbageSent = 0
  return {
    name: 'ipc',
    channels: { ...apiChannels, ...desktopChannels },
    carriesFrames: false,
    malformed: [],
    async send(input) {
      // IPC carries structured values, not frames: a frame arrives as a channel name and a value.
      const [channel, raw] =
        input.kind === 'frame'
          ? [String(input.frame).slice(0, 100), input.frame]
          : [input.call.channel, input.call.request]
      // Some garbage comes from a frame that is not the app's page (an iframe, another window).
      const trusted = input.kind !== 'garbage' || ++garbageSent % 5 !== 0
      const result = await dispatch(channel, raw, trusted)
      if (!trusted && (result.ok || result.error.code !== 'untrusted-frame')) {
        throw new Error(`${channel} from an untrusted frame was not refused`)
      }
      return { kind: 'reply', result }
    },
    async close() {},
  }
}

/** The web host over a real WebSocket on 127.0.0.1, reconnecting after the host closes one. */
export function webSocketTransport(host: WebHost, origin: string): FuzzTransport {
  let socket: WebSocket | null = null
  let nextId = 1
  const malformed: string[] = []
  // Per socket, so a late 'close' of an old socket never settles a call sent on the new one.
  let waiting = new Map<number, (outcome: Outcome) => void>()
  let anyReply: { settle: ((outcome: Outcome) => void) | null } = { settle: null }

  async function connected(): Promise<WebSocket> {
    if (socket && socket.readyState === WebSocket.OPEN) return socket
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, { origin })
    const mine = new Map<number, (outcome: Outcome) => void>()
    const mineAny: { settle: ((outcome: Outcome) => void) | null } = { settle: null }
    ws.on('error', () => undefined)
    ws.on('message', (data: Buffer) => {
      let message: unknown
      try {
        message = JSON.parse(data.toString())
      } catch {
        malformed.push(`not JSON: ${data.toString().slice(0, 200)}`)
        return
      }
      const parsed = wireFromHostSchema.safeParse(message)
      if (!parsed.success) return void malformed.push(`not a wire message: ${data.toString().slice(0, 200)}`)
      if (parsed.data.type !== 'result') return
      const result: ApiResult<unknown> = parsed.data.ok
        ? { ok: true, value: parsed.data.value }
        : { ok: false, error: parsed.data.error }
      const settle = mine.get(parsed.data.id) ?? mineAny.settle
      mine.delete(parsed.data.id)
      mineAny.settle = null
      settle?.({ kind: 'reply', result })
    })
    ws.on('close', (code) => {
      for (const settle of [...mine.values(), ...(mineAny.settle ? [mineAny.settle] : [])])
        settle({ kind: 'closed', code })
      mine.clear()
      mineAny.settle = null
    })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('unexpected-response', (_request, response) => reject(new Error(`refused with ${response.statusCode}`)))
    })
    socket = ws
    waiting = mine
    anyReply = mineAny
    return ws
  }

  return {
    name: 'websocket',
    channels: apiChannels,
    carriesFrames: true,
    malformed,
    async send(input) {
      const ws = await connected()
      return new Promise<Outcome>((resolve) => {
        if (input.kind === 'frame') {
          anyReply.settle = resolve
          ws.send(input.frame, { binary: input.binary })
          return
        }
        const id = nextId++
        let text: string
        try {
          text = JSON.stringify({ id, channel: input.call.channel, request: input.call.request })
        } catch {
          text = JSON.stringify({ id, channel: input.call.channel, request: null })
        }
        waiting.set(id, resolve)
        ws.send(text)
      })
    },
    async close() {
      socket?.close()
    },
  }
}
