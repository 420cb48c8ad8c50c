import { connect, type Socket } from 'node:net'
import { apiChannels, type ApiResult } from '../../src/shared/api'
import { controlFromOwnerSchema, controlMaxFrameBytes } from '../../src/shared/control-wire'
import { helloLine, newNonce } from '../../src/core/store/owner-proof'
import type { FuzzInput } from './fuzz-inputs'
import type { FuzzTransport, Outcome } from './transports'

/** How a connection the owner closed after saying `refused` is reported; a close without it is 1006 (abnormal). */
export const refusedClose = 1000

/** The doors calls say, in turn: the CLI's `local`, none, and spellings that must all count as `page`. */
const doors: unknown[] = ['local', undefined, 'local', 'page', 'local', undefined, 'Local', 1]

export interface ControlFuzzTransport extends FuzzTransport {
  /** Calls sent per door (`local`, `page` for everything else). */
  readonly doors: Record<'local' | 'page', number>
}

interface Connection {
  socket: Socket
  open: boolean
  waiting: Map<number, (outcome: Outcome) => void>
}

/**
 * The local control endpoint over a raw socket, as a broken or hostile client would talk to it: calls
 * through both doors, some written in pieces (partial lines), raw frames of any bytes, and lines over
 * the 16 MiB limit. A frame is followed by a call of our own, so it ends in that call's reply (the
 * connection survived the frame) or in the owner closing the connection after `refused`.
 */
export function controlTransport(endpoint: string, token: string): ControlFuzzTransport {
  let connection: Connection | null = null
  let nextId = 1
  let written = 0
  const malformed: string[] = []
  const perDoor = { local: 0, page: 0 }

  async function connected(): Promise<Connection> {
    if (connection?.open) return connection
    const socket = connect(endpoint)
    const mine: Connection = { socket, open: true, waiting: new Map() }
    let refused = false
    let rest = ''
    socket.setEncoding('utf8')
    socket.on('data', (text: string) => {
      const lines = (rest + text).split('\n')
      rest = lines.pop()!
      for (const line of lines) {
        let message: unknown
        try {
          message = JSON.parse(line)
          // The owner's answer to our hello comes before anything else.
          if ((message as { type?: unknown }).type === 'welcome') continue
        } catch {
          malformed.push(`not JSON: ${line.slice(0, 200)}`)
          continue
        }
        const parsed = controlFromOwnerSchema.safeParse(message)
        if (!parsed.success) malformed.push(`not a control message: ${line.slice(0, 200)}`)
        else if (parsed.data.type === 'refused') refused = true
        else if (parsed.data.type === 'result') {
          const result: ApiResult<unknown> = parsed.data.ok
            ? { ok: true, value: parsed.data.value }
            : { ok: false, error: parsed.data.error }
          const settle = mine.waiting.get(parsed.data.id)
          mine.waiting.delete(parsed.data.id)
          // A call hidden in a frame is answered too: nobody waits for it, so it is checked here.
          if (!settle && !result.ok && !result.error.user) malformed.push(`internal error: ${result.error.message}`)
          settle?.({ kind: 'reply', result })
        }
      }
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      mine.open = false
      if (rest) malformed.push(`a partial last line: ${rest.slice(0, 200)}`)
      for (const settle of mine.waiting.values()) settle({ kind: 'closed', code: refused ? refusedClose : 1006 })
      mine.waiting.clear()
    })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    socket.write(helloLine(token, newNonce()))
    connection = mine
    return mine
  }

  /** Writes `bytes`, every third message in two pieces a turn of the event loop apart (a partial line first). */
  async function write(socket: Socket, bytes: Buffer): Promise<void> {
    const cut = written++ % 3 === 0 && bytes.length > 1 ? 1 + (written % (bytes.length - 1)) : bytes.length
    const put = (piece: Buffer): Promise<void> => new Promise((resolve) => socket.write(piece, () => resolve()))
    await put(bytes.subarray(0, cut))
    if (cut === bytes.length || socket.destroyed) return
    await new Promise((resolve) => setImmediate(resolve))
    await put(bytes.subarray(cut))
  }

  function callLine(id: number, channel: string, request: unknown, door: unknown): Buffer {
    let text: string
    try {
      text = JSON.stringify({ id, channel, request, door })
    } catch {
      text = JSON.stringify({ id, channel, request: null, door })
    }
    return Buffer.from(`${text}\n`)
  }

  function frameBytes(input: Extract<FuzzInput, { kind: 'frame' }>): Buffer {
    // The inputs' oversize frame is sized for the web host; here a line must pass the endpoint's own limit.
    if (typeof input.frame === 'string' && input.frame.length > 4 * 1024 * 1024)
      return Buffer.alloc(controlMaxFrameBytes + 2, 'x')
    return Buffer.concat([Buffer.from(input.frame), Buffer.from('\n')])
  }

  return {
    name: 'control',
    channels: apiChannels,
    carriesFrames: true,
    malformed,
    doors: perDoor,
    async send(input) {
      const { socket, waiting } = await connected()
      return new Promise<Outcome>((resolve) => {
        const id = nextId++
        waiting.set(id, resolve)
        if (input.kind === 'frame') {
          // In order: the call must not land inside the frame's bytes.
          void write(socket, frameBytes(input)).then(() => write(socket, callLine(id, 'pools.list', {}, undefined)))
          return
        }
        const door = doors[id % doors.length]
        perDoor[door === 'local' ? 'local' : 'page']++
        void write(socket, callLine(id, input.call.channel, input.call.request, door))
      })
    },
    async close() {
      connection?.socket.end()
    },
  }
}
