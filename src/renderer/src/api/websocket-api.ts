import type { ApiChannel, ApiEvent, ApiEventPayload, ApiRequest, ApiResponse } from '../../../shared/api'
import { apiEvents } from '../../../shared/api'
import { wireExportPath, wireFromHostSchema, wireSocketPath, wireTokenParam } from '../../../shared/web-wire'
import type { UiApi } from './ui-api'

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
}

/** An error from the farm, with the user's message when the user caused it. */
export class FarmCallError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly user: boolean,
  ) {
    super(message)
  }
}

/**
 * The contract over the browser host's WebSocket. Calls made while the link is down wait for it;
 * the socket reconnects by itself (the host may restart) and says so through `onConnectionChange`.
 */
export function createWebSocketApi(location: Location): UiApi {
  const token = new URLSearchParams(location.search).get(wireTokenParam) ?? ''
  const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${wireSocketPath}?${wireTokenParam}=${encodeURIComponent(token)}`
  const pending = new Map<number, Pending>()
  const waiting: string[] = []
  const listeners = new Map<ApiEvent, Set<(payload: never) => void>>()
  const connectionListeners = new Set<(connected: boolean, refused?: boolean) => void>()
  let nextId = 1
  let socket: WebSocket
  let retryMs = 250

  const open = (): void => {
    socket = new WebSocket(socketUrl)
    socket.onopen = () => {
      retryMs = 250
      for (const message of waiting.splice(0)) socket.send(message)
      connectionListeners.forEach((l) => l(true))
    }
    socket.onmessage = (message) => receive(String(message.data))
    socket.onclose = () => {
      waiting.length = 0
      for (const [id, call] of pending) {
        call.reject(new FarmCallError('The connection to the farm was lost.', 'disconnected', true))
        pending.delete(id)
      }
      connectionListeners.forEach((l) => l(false))
      // A browser hides why a socket closed: the page's own address tells a farm that is gone (no
      // answer) from one that restarted with a new token (403), which no retry can get past.
      void fetch(`${location.pathname}?${wireTokenParam}=${encodeURIComponent(token)}`, {
        method: 'HEAD',
        cache: 'no-store',
      })
        .then((reply) => reply.status === 403 && connectionListeners.forEach((l) => l(false, true)))
        .catch(() => undefined)
      setTimeout(open, retryMs)
      retryMs = Math.min(retryMs * 2, 4000)
    }
  }

  const receive = (text: string): void => {
    const parsed = wireFromHostSchema.safeParse(JSON.parse(text))
    if (!parsed.success) return console.error('Unexpected message from the farm host', parsed.error)
    const message = parsed.data
    if (message.type === 'event') {
      const payload = apiEvents[message.event].safeParse(message.payload)
      if (!payload.success) return console.error(`Bad ${message.event} payload`, payload.error)
      listeners.get(message.event)?.forEach((l) => l(payload.data as never))
      return
    }
    const call = pending.get(message.id)
    if (!call) return
    pending.delete(message.id)
    if (message.ok) call.resolve(message.value)
    else call.reject(new FarmCallError(message.error.message, message.error.code, message.error.user))
  }

  open()

  return {
    call<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResponse<C>> {
      const id = nextId++
      const text = JSON.stringify({ id, channel, request })
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        if (socket.readyState === WebSocket.OPEN) socket.send(text)
        else waiting.push(text)
      })
    },
    on<E extends ApiEvent>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => set.delete(listener)
    },
    exportUrl(jobId, format) {
      return `${wireExportPath}?jobId=${jobId}&format=${format}&${wireTokenParam}=${encodeURIComponent(token)}`
    },
    unitsExportUrl(where, format) {
      return `${wireExportPath}?where=${encodeURIComponent(where)}&format=${format}&${wireTokenParam}=${encodeURIComponent(token)}`
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener)
      return () => connectionListeners.delete(listener)
    },
  }
}
