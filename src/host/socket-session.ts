import type { WebSocket } from 'ws'
import type { ApiEvent } from '../shared/api'
import { toErrorInfo } from '../shared/user-error'
import { wireCallSchema, type WireFromHost } from '../shared/web-wire'
import type { ApiHandlers } from '../core/api-handlers'
import { EventThrottle, farmStateKey } from '../core/event-throttle'
import { timerSchedule } from '../core/schedule'
import type { EventListener } from './event-fan-out'

/** Serves one page over one WebSocket: its calls go to the handlers, the farm's events come back. */
export function runSocketSession(
  socket: WebSocket,
  api: ApiHandlers,
  subscribe: (listener: EventListener) => () => void,
): void {
  const send = (message: WireFromHost): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
  }
  // Latest progress per job and pool at most every 100 ms; logs and endings at once, after it.
  const batcher = new EventThrottle<ApiEvent>({
    send: (event, payload) => send({ type: 'event', event, payload }),
    stateKey: farmStateKey,
    schedule: timerSchedule,
  })
  const unsubscribe = subscribe((event, payload) => batcher.push(event, payload))

  // A frame ws cannot accept (invalid UTF-8, over the size limit, a protocol error) makes ws close
  // this connection with the matching code (1007, 1009, 1002) and then report it here. Without a
  // listener that report would be an uncaught exception that ends the whole farm.
  socket.on('error', () => undefined)
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
    // Progress held back was true before this answer, so it goes first (see control-session.ts).
    const reply = (result: WireFromHost): void => (batcher.flush(), send(result))
    api.handle(channel, request, 'page').then(
      (value) => reply({ type: 'result', id, ok: true, value }),
      (error: unknown) => {
        const info = toErrorInfo(error)
        if (!info.user) console.error(`task-farm serve: ${channel} failed:`, error)
        reply({ type: 'result', id, ok: false, error: info })
      },
    )
  })
  socket.on('close', () => {
    batcher.close()
    unsubscribe()
  })
}
