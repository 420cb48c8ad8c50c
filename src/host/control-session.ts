import type { Socket } from 'node:net'
import { apiChannelNames, type ApiChannel, type ApiEvent } from '../shared/api'
import { controlMaxFrameBytes, type ControlFromOwner } from '../shared/control-wire'
import { toErrorInfo, UserError } from '../shared/user-error'
import { feedFarmEvents, type FarmEventSource, type FarmEventFeed } from './farm-event-feed'
import { LineFrames } from './line-frames'
import { checkHello, welcomeLine } from '../core/store/owner-proof'
import type { ApiHandlers } from '../core/api-handlers'

/** A client that reads nothing while this much waits to be sent to it is dropped, not buffered forever. */
const maxUnsent = 64 * 1024 * 1024
const channels = new Set<string>(apiChannelNames)
/** A connection that has not proven the token by then is dropped (a client sends its hello at once). */
const helloWaitMs = 10_000

// Every client gets the same event object from the farm: it is turned into JSON once, not once per client.
const encodedEvents = new Map<ApiEvent, WeakMap<object, string>>()
function encodeEvent(event: ApiEvent, payload: unknown): string {
  const encode = (): string => `${JSON.stringify({ type: 'event', event, payload } satisfies ControlFromOwner)}\n`
  if (typeof payload !== 'object' || payload === null) return encode()
  let cache = encodedEvents.get(event)
  if (!cache) encodedEvents.set(event, (cache = new WeakMap()))
  let line = cache.get(payload)
  if (line === undefined) cache.set(payload, (line = encode()))
  return line
}

export interface ControlSession {
  /** Sends what is pending, then ends the connection. */
  end(): void
}

/**
 * Serves one client over one local connection: each line is a call `{ id, channel, request }`, checked
 * by the same handlers as the window's calls; the farm's events go down the same connection. A line
 * that is not a call gets `refused` and the connection is closed; nothing a client sends can throw here.
 */
export function runControlSession(
  socket: Socket,
  api: ApiHandlers,
  events: FarmEventSource,
  token: string,
): ControlSession {
  const frames = new LineFrames(controlMaxFrameBytes)
  let open = true
  // Nothing is sent, and no event is fed, until the client proves it read the lock's token.
  let proven = false
  const unproven = setTimeout(() => socket.destroy(), helloWaitMs)
  unproven.unref()
  const send = (message: ControlFromOwner): void => {
    if (!open) return
    socket.write(`${JSON.stringify(message)}\n`)
    if (socket.writableLength > maxUnsent) close()
  }
  const refuse = (message: string): void => {
    send({ type: 'refused', message })
    close()
  }
  let feed: FarmEventFeed | null = null
  const startFeed = (): FarmEventFeed =>
    feedFarmEvents(events, (event, payload) => {
      if (!open) return
      socket.write(encodeEvent(event, payload))
      if (socket.writableLength > maxUnsent) close()
    })
  const close = (): void => {
    if (!open) return
    open = false
    clearTimeout(unproven)
    feed?.close()
    socket.end()
    // A client that never reads its last bytes must not keep the connection (and the owner's exit) waiting.
    setTimeout(() => socket.destroy(), 2000).unref()
  }

  socket.on('data', (chunk: Buffer) => {
    if (!open) return
    const lines = frames.push(chunk)
    if (lines === null) return refuse(`a message is longer than ${controlMaxFrameBytes} bytes`)
    for (const line of lines) {
      if (!open) return
      if (!proven) greet(line)
      else if (line.trim() !== '') handleLine(line)
    }
  })
  socket.on('error', () => close())
  socket.on('close', () => {
    open = false
    clearTimeout(unproven)
    feed?.close()
  })

  /** The first line must be a hello that proves the token; anything else ends the connection without a word. */
  function greet(line: string): void {
    let nonce: string | null = null
    try {
      nonce = checkHello(token, JSON.parse(line))
    } catch {
      // Not JSON: not a client of ours.
    }
    if (nonce === null) {
      open = false
      return void socket.destroy()
    }
    proven = true
    clearTimeout(unproven)
    socket.write(welcomeLine(token, nonce))
    feed = startFeed()
  }

  function handleLine(line: string): void {
    let message: unknown
    try {
      message = JSON.parse(line)
    } catch {
      return refuse('a message is not JSON')
    }
    const { id, channel, request, door } = (message ?? {}) as {
      id?: unknown
      channel?: unknown
      request?: unknown
      door?: unknown
    }
    if (typeof message !== 'object' || Array.isArray(message) || !Number.isSafeInteger(id) || (id as number) < 0) {
      return refuse('a message is not a call { id, channel, request }')
    }
    // Progress the throttle still holds was true before this answer: it goes first, so a client never
    // reads a state older than what its call did (a resumed job's last `interrupted` after the resume).
    const reply = (result: ControlFromOwner): void => (feed?.flush(), send(result))
    const answer = (result: Promise<unknown>): void =>
      void result.then(
        (value) => reply({ type: 'result', id: id as number, ok: true, value }),
        (error: unknown) => {
          const info = toErrorInfo(error)
          if (!info.user) console.error(`task-farm: ${String(channel)} from a client failed:`, error)
          reply({ type: 'result', id: id as number, ok: false, error: info })
        },
      )
    // An unknown channel is answered (the id is readable), like a handler's own refusal.
    if (typeof channel !== 'string' || !channels.has(channel)) {
      return answer(
        Promise.reject(new UserError(`Unknown request "${String(channel).slice(0, 100)}".`, 'unknown-channel')),
      )
    }
    // Only the owner's user can reach this endpoint; a host forwarding a window's calls says `page`.
    answer(
      Promise.resolve().then(() => api.handle(channel as ApiChannel, request, door === 'local' ? 'local' : 'page')),
    )
  }

  return {
    end() {
      feed?.flush()
      close()
    },
  }
}
