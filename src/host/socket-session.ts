import type { WebSocket } from 'ws'
import { apiEventNames, type ApiChannel, type ApiEvent } from '../shared/api'
import { toErrorInfo } from '../shared/user-error'
import { wireCallSchema, type WireFromHost } from '../shared/web-wire'
import { EventThrottle, farmStateKey } from '../core/event-throttle'
import { timerSchedule } from '../core/schedule'

export interface ApiHandlers {
  handle(channel: ApiChannel, rawRequest: unknown): Promise<unknown>
}

/** The farm's event source; a Node EventEmitter fits. `on` may instead return an unsubscribe. */
export interface FarmEventSource {
  on(event: ApiEvent, listener: (payload: unknown) => void): unknown
  off?(event: ApiEvent, listener: (payload: unknown) => void): unknown
}

/** Serves one page over one WebSocket: its calls go to the handlers, the farm's events come back. */
export function runSocketSession(socket: WebSocket, api: ApiHandlers, events: FarmEventSource): void {
  const send = (message: WireFromHost): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
  }
  // Latest progress per job and pool at most every 100 ms; logs and endings at once, after it.
  const batcher = new EventThrottle<ApiEvent>({
    send: (event, payload) => send({ type: 'event', event, payload }),
    stateKey: farmStateKey,
    schedule: timerSchedule,
  })
  const unsubscribers = apiEventNames.map((event) => {
    const listener = (payload: unknown): void => batcher.push(event, payload)
    const result = events.on(event, listener)
    return typeof result === 'function' ? (result as () => void) : () => events.off?.(event, listener)
  })

  socket.on('message', (data, isBinary) => {
    if (isBinary) return socket.close(1003, 'text frames only')
    let parsed: unknown
    try {
      parsed = JSON.parse(String(data))
    } catch {
      return socket.close(1007, 'not JSON')
    }
    const call = wireCallSchema.safeParse(parsed)
    if (!call.success) return socket.close(1008, 'not a call')
    const { id, channel, request } = call.data
    api.handle(channel, request).then(
      (value) => send({ type: 'result', id, ok: true, value }),
      (error: unknown) => {
        const info = toErrorInfo(error)
        if (!info.user) console.error(`task-farm serve: ${channel} failed:`, error)
        send({ type: 'result', id, ok: false, error: info })
      },
    )
  })
  socket.on('close', () => {
    batcher.close()
    for (const unsubscribe of unsubscribers) unsubscribe()
  })
}
