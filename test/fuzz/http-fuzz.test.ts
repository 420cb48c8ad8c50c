import fc from 'fast-check'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startServedTestFarm, type ServedTestFarm } from '../host/served-farm'

// The host's HTTP side (the page, its assets, `/export`) under generated request targets.
const seed = Number(process.env.FUZZ_SEED ?? 20261122)
const runs = Number(process.env.FUZZ_HTTP_RUNS ?? 400)

let served: ServedTestFarm
beforeAll(async () => {
  served = await startServedTestFarm()
  await served.farm.create({ kind: 'probe', count: 3 }, {})
})
afterAll(() => served.close())

/** One raw request line over TCP (no client-side checks), resolving with the status code, or 0 when cut. */
function rawGet(target: string, port: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1')
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)
      if (status) {
        socket.destroy()
        resolve(Number(status[1]))
      }
    })
    socket.on('error', () => resolve(0))
    socket.on('close', () => resolve(0))
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 'latin1')
  })
}

const percent = fc.oneof(
  fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%00', '%2e%2e%2f', '%C0%AF', '%FF', '%%', '%u2215'),
  fc.string({ unit: 'binary-ascii', maxLength: 8 }).map(encodeURIComponent),
)
const segment = fc.oneof(
  fc.constantFrom('', '.', '..', 'index.html', 'export', 'api', 'assets'),
  percent,
  fc.webSegment(),
)
const target = fc
  .tuple(
    fc.array(segment, { maxLength: 6 }),
    fc.constantFrom(
      '',
      '?token=TOKEN',
      '?jobId=1&format=csv&token=TOKEN',
      '?jobId=%E0&format=json&token=TOKEN',
      '?token=TOKEN&jobId=-1',
    ),
    fc.webQueryParameters(),
  )
  .map(([segments, query, extra]) => `/${segments.join('/')}${query}${query ? '&' : '?'}${extra}`)

describe(`the host's HTTP side under fuzz (seed ${seed})`, () => {
  it(
    'answers every request target with a status that is not 5xx, and logs no stack trace',
    async () => {
      const logged = vi.spyOn(console, 'error')
      try {
        await fc.assert(
          fc.asyncProperty(target, async (generated) => {
            const status = await rawGet(generated.replaceAll('TOKEN', served.host.token), served.host.port)
            expect(status, generated).toBeGreaterThanOrEqual(200)
            expect(status, generated).toBeLessThan(500)
            expect(logged, generated).not.toHaveBeenCalled()
          }),
          { seed, numRuns: runs, endOnFailure: true },
        )
      } finally {
        logged.mockRestore()
      }
      expect(await rawGet(`/?token=${served.host.token}`, served.host.port)).toBe(200)
    },
    30_000 + runs * 50,
  )
})
