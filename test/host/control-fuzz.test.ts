import fc from 'fast-check'
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import type { Farm } from '../../src/core/farm'
import type { ControlServer } from '../../src/host/control-server'
import { listenForClients } from '../../src/host/farm-endpoint'
import { apiChannelNames } from '../../src/shared/api'
import { controlMaxFrameBytes } from '../../src/shared/control-wire'
import { openTestFarm } from '../support/test-farm'
import { FarmLock } from '../../src/core/store/farm-lock'
import { helloLine, newNonce } from '../../src/core/store/owner-proof'

// A hostile or broken client on the control endpoint: whatever it sends, it gets an answer or a closed
// connection, and the owner (a real farm on a real history) goes on unharmed.
// A fixed seed, like the contract fuzz: a failure here is the same failure on the next run.
fc.configureGlobal({ seed: 20261122 })

let farm: Farm
let server: ControlServer
let dbPath: string
let removeDir: () => void
beforeAll(async () => {
  const opened = openTestFarm()
  farm = opened.farm
  dbPath = opened.dbPath
  removeDir = () => opened.dir.remove()
  server = await listenForClients(farm)
})
afterAll(async () => {
  await farm.shutdown('now')
  await server.close()
  removeDir()
})

/** A call every run ends with: its answer (or the connection closing first) ends the exchange. */
const probeId = 999_999
const probe = `${JSON.stringify({ id: probeId, channel: 'pools.list', request: {} })}\n`

interface Exchange {
  closed: boolean
  answered: boolean
  lines: Record<string, unknown>[]
}

/** Sends `chunks` (one per turn of the event loop), then waits for the answers to the probe and to `ids`, or the close. */
function exchange(chunks: (string | Uint8Array)[], ids: number[] = []): Promise<Exchange> {
  const waiting = new Set([probeId, ...ids])
  return new Promise((resolve) => {
    const socket: Socket = connect(server.endpoint)
    const lines: Record<string, unknown>[] = []
    let rest = ''
    let finished = false
    const finish = (closed: boolean): void => {
      if (finished) return
      finished = true
      socket.destroy()
      resolve({ closed, answered: !closed, lines })
    }
    socket.on('data', (data) => {
      rest += data
      const parts = rest.split('\n')
      rest = parts.pop()!
      for (const part of parts) {
        const line = JSON.parse(part) as Record<string, unknown>
        if (line.type === 'welcome') continue
        lines.push(line)
        if (line.type === 'result') waiting.delete(line.id as number)
        if (waiting.size === 0) finish(false)
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => finish(true))
    const send = (i: number): void => {
      if (finished || socket.destroyed) return
      if (i === chunks.length) return void socket.write(probe)
      socket.write(chunks[i]!, () => setImmediate(() => send(i + 1)))
    }
    // The hello that proves the lock's token comes first, as every client's does.
    socket.once('connect', () => socket.write(helloLine(FarmLock.ownToken(dbPath)!, newNonce()), () => send(0)))
  })
}

const someChannel = fc.oneof(fc.constantFrom(...apiChannelNames), fc.string({ maxLength: 40 }))

describe('fuzz of the control endpoint', () => {
  it('garbage bytes: answered or closed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const result = await exchange([bytes, '\n'])
        expect(result.answered || result.closed).toBe(true)
      }),
      { numRuns: 150 },
    )
  })

  it('calls with unknown channels and wrong types: each answered by its id, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 100_000 }),
        someChannel,
        fc.anything({ maxDepth: 3 }),
        async (id, channel, request) => {
          const result = await exchange([`${JSON.stringify({ id, channel, request })}\n`], [id])
          expect(result.answered).toBe(true)
          expect(result.lines.find((l) => l.type === 'result' && l.id === id)).toBeDefined()
        },
      ),
      { numRuns: 200 },
    )
  })

  it('JSON that is not a call gets `refused`, then the connection closes', async () => {
    const notCall = fc.oneof(
      fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
      fc.record({
        id: fc.oneof(
          fc.string(),
          fc.integer({ max: -1 }),
          fc.double().filter((d) => !Number.isSafeInteger(d) || d < 0),
        ),
      }),
    )
    await fc.assert(
      fc.asyncProperty(notCall, async (value) => {
        const result = await exchange([`${JSON.stringify(value)}\n`])
        expect(result.closed).toBe(true)
        expect(result.lines.at(-1)).toMatchObject({ type: 'refused' })
      }),
      { numRuns: 100 },
    )
  })

  it('a call split in pieces anywhere is still one call', async () => {
    const call = `${JSON.stringify({ id: 1, channel: 'jobs.list', request: { limit: 5 } })}\n`
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: call.length - 1 }), { maxLength: 8 }), async (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), call.length]
        const result = await exchange(
          at.slice(1).map((end, i) => call.slice(at[i], end)),
          [1],
        )
        expect(result.lines.find((l) => l.id === 1)).toMatchObject({ type: 'result', ok: true })
      }),
      { numRuns: 50 },
    )
  })

  it('a frame over the limit is refused before it is held whole', async () => {
    const chunk = 'x'.repeat(1024 * 1024)
    const result = await exchange(Array.from({ length: controlMaxFrameBytes / chunk.length + 2 }, () => chunk))
    expect(result.closed).toBe(true)
    expect(result.lines).toEqual([{ type: 'refused', message: expect.stringMatching(/longer than/) }])
  })

  it('after all that, the owner still answers and its history is intact', async () => {
    expect((await exchange([])).answered).toBe(true)
    await expect(farm.create({ kind: 'probe', count: 5 })).resolves.toBeGreaterThan(0)
    const db = new Database(dbPath, { readonly: true })
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      db.close()
    }
  })
})
