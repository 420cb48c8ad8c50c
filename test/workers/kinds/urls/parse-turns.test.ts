import { once } from 'node:events'
import { createServer, connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { parseTurn } from '../../../../src/workers/kinds/urls/parse-turns'

/** A connected loopback pair: what the client writes becomes readable on the server's socket. */
async function socketPair(): Promise<{ reader: Socket; writer: Socket; close: () => void }> {
  // Paused on connect: bytes stay in the kernel until the socket is read, as a busy worker's do.
  const server = createServer({ pauseOnConnect: true })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  const accepted = once(server, 'connection') as Promise<[Socket]>
  const writer = connect(port, '127.0.0.1')
  const [reader] = await accepted
  return {
    reader,
    writer,
    close: () => {
      writer.destroy()
      reader.destroy()
      server.close()
    },
  }
}

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((close) => close()))

describe('parse turns', () => {
  it('gives turns in order, each caller once', async () => {
    const order: number[] = []
    await Promise.all([1, 2, 3, 4].map((n) => parseTurn().then(() => order.push(n))))
    expect(order).toEqual([1, 2, 3, 4])
  })

  it('lets the event loop read its sockets between two turns', async () => {
    const { reader, writer, close } = await socketPair()
    cleanups.push(close)
    const order: string[] = []
    reader.on('data', () => order.push('socket'))
    // Waiting bytes: the socket is readable as soon as it is read again.
    await new Promise<void>((resolve) => writer.write('x', () => resolve()))
    const turns = [1, 2, 3].map((n) =>
      parseTurn().then(() => {
        order.push(`turn ${n}`)
        if (n === 1) reader.resume()
      }),
    )
    await Promise.all(turns)
    // All three in one go (each page parsed where it arrived) would put the socket last.
    expect(order.indexOf('socket')).toBeGreaterThan(0)
    expect(order.indexOf('socket')).toBeLessThan(order.indexOf('turn 3'))
  })
})
