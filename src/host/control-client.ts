import { connect, type Socket } from 'node:net'
import type { ApiDoor } from '../core/api-handlers'
import type { ApiChannel, ApiEvent, ApiEventPayload, ApiRequest, ApiResponse, FarmApi } from '../shared/api'
import { controlFromOwnerSchema, controlMaxFrameBytes } from '../shared/control-wire'
import { UserError, type ErrorInfo } from '../shared/user-error'
import { LineFrames } from './line-frames'
import { checkWelcome, helloLine, newNonce } from '../core/store/owner-proof'

/** What a client is told when the owner's process ends (or its connection breaks) under it. */
export class FarmGoneError extends UserError {
  constructor() {
    super('The farm went away (its process ended or closed the connection).', 'farm-gone')
  }
}

/**
 * A client of the farm that owns a history, over its control endpoint: the same `FarmApi` the window
 * gets from IPC or the WebSocket, plus `handle` so a host can serve a window through it.
 */
export class ControlClient implements FarmApi {
  private nextId = 1
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()
  private readonly goneListeners = new Set<() => void>()
  private gone = false

  private constructor(private readonly socket: Socket) {
    const frames = new LineFrames(controlMaxFrameBytes)
    socket.on('data', (chunk: Buffer) => {
      const lines = frames.push(chunk)
      if (lines === null) return socket.destroy()
      for (const line of lines) this.receive(line)
    })
    socket.on('error', () => socket.destroy())
    socket.on('close', () => this.lost())
  }

  /**
   * Connects and proves the lock's token; resolves once the owner has proven it too. Fails with the
   * socket's error (ENOENT, ECONNREFUSED: no owner listens there), or `EPROTO` when what listens there
   * cannot prove the token (not the owner the lock names).
   */
  static connect(endpoint: string, token: string, timeoutMs = 3000): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(endpoint)
      const nonce = newNonce()
      const fail = (error: Error): void => {
        clearTimeout(timer)
        socket.destroy()
        reject(error)
      }
      const timer = setTimeout(
        () => fail(Object.assign(new Error(`no answer from ${endpoint}`), { code: 'ETIMEDOUT' })),
        timeoutMs,
      )
      const notOwner = (): void =>
        fail(Object.assign(new Error(`${endpoint} is not the farm's owner`), { code: 'EPROTO' }))
      let first = ''
      const onData = (chunk: Buffer): void => {
        first += chunk.toString('utf8')
        const end = first.indexOf('\n')
        if (end < 0) return void (first.length > 4096 && notOwner())
        let welcome: unknown
        try {
          welcome = JSON.parse(first.slice(0, end))
        } catch {
          return notOwner()
        }
        if (!checkWelcome(token, nonce, welcome)) return notOwner()
        clearTimeout(timer)
        socket.off('data', onData)
        socket.removeAllListeners('error')
        socket.removeAllListeners('close')
        const client = new ControlClient(socket)
        // Events the owner sent right behind its welcome.
        if (end + 1 < first.length) socket.emit('data', Buffer.from(first.slice(end + 1)))
        resolve(client)
      }
      socket.once('error', fail)
      socket.once('close', notOwner)
      socket.once('connect', () => socket.write(helloLine(token, nonce)))
      socket.on('data', onData)
    })
  }

  /** A call of the CLI's own: its user typed every path it names, so it comes through the `local` door. */
  call<C extends ApiChannel>(channel: C, request: ApiRequest<C>): Promise<ApiResponse<C>> {
    return this.handle(channel, request, 'local')
  }

  /**
   * The `ApiHandlers` shape: a host serves a window through the owner with it, and says so (`page`),
   * so the owner applies the window's rules (no file paths named by a page) to what it forwards.
   */
  handle<C extends ApiChannel>(channel: C, request: unknown, door: ApiDoor = 'page'): Promise<ApiResponse<C>> {
    if (this.gone) return Promise.reject(new FarmGoneError())
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      // The owner validated the value against the channel's response schema before sending it.
      this.pending.set(id, { resolve, reject })
      this.socket.write(`${JSON.stringify({ id, channel, request, door })}\n`)
    })
  }

  on<E extends ApiEvent>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set()
    this.listeners.set(event, set)
    const untyped = listener as (payload: unknown) => void
    set.add(untyped)
    return () => set.delete(untyped)
  }

  /** Told once when the owner is gone (the connection closed without `close()` being called). */
  onGone(listener: () => void): () => void {
    if (this.gone) listener()
    else this.goneListeners.add(listener)
    return () => this.goneListeners.delete(listener)
  }

  close(): void {
    this.goneListeners.clear()
    this.socket.end()
    this.socket.destroy()
  }

  private receive(line: string): void {
    let parsed
    try {
      parsed = controlFromOwnerSchema.safeParse(JSON.parse(line))
    } catch {
      return void this.socket.destroy()
    }
    if (!parsed.success) return void this.socket.destroy()
    const message = parsed.data
    if (message.type === 'event') {
      for (const listener of this.listeners.get(message.event) ?? []) listener(message.payload)
    } else if (message.type === 'result') {
      const waiter = this.pending.get(message.id)
      this.pending.delete(message.id)
      if (message.ok) waiter?.resolve(message.value)
      else waiter?.reject(errorFrom(message.error))
    } else {
      this.socket.destroy()
    }
  }

  private lost(): void {
    if (this.gone) return
    this.gone = true
    for (const waiter of this.pending.values()) waiter.reject(new FarmGoneError())
    this.pending.clear()
    for (const listener of this.goneListeners) listener()
    this.goneListeners.clear()
  }
}

function errorFrom(info: ErrorInfo): Error {
  if (info.user) return new UserError(info.message, info.code)
  return Object.assign(new Error(`The farm failed: ${info.message}`), { code: info.code })
}
