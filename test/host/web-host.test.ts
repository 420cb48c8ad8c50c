import { EventEmitter } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { ApiHandlers } from '../../src/core/api-handlers'
import { startWebHost, type WebHost } from '../../src/host/index'
import { UserError } from '../../src/shared/user-error'

const events = new EventEmitter()
const calls: { channel: string; request: unknown }[] = []
const api = {
  async handle(channel: string, request: unknown): Promise<unknown> {
    calls.push({ channel, request })
    if (channel === 'jobs.get') throw new UserError('There is no job 9.', 'no-such-job')
    if (channel === 'jobs.export') {
      const { path } = request as { path: string }
      await writeFile(path, 'key,state\n"<b>x</b>",done\n')
      return { path, rows: 1 }
    }
    return { ok: true }
  },
} as ApiHandlers
let host: WebHost
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tf-host-'))
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Task Farm</title>')
  host = await startWebHost({ api, events, rendererDir: dir, token: 'secret-token-123' })
})
afterAll(async () => {
  await host.close()
  await rm(dir, { recursive: true, force: true })
})

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function connect(origin: string | undefined, token = host.token): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${token}`, origin ? { origin } : {})
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

function nextMessage(ws: WebSocket, match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>
      if (match(message)) {
        ws.off('message', onMessage)
        resolve(message)
      }
    }
    ws.on('message', onMessage)
  })
}

describe('web host', () => {
  it('prints a URL on 127.0.0.1 carrying the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=secret-token-123`)
  })

  it('serves the page only with the token, and then sets a cookie for its assets', async () => {
    expect((await get('/')).status).toBe(403)
    expect((await get('/?token=wrong')).status).toBe(403)
    const page = await get('/?token=secret-token-123')
    expect(page.status).toBe(200)
    expect(page.body).toContain('Task Farm')
    expect((await get('/index.html', { cookie: 'task_farm_token=secret-token-123' })).status).toBe(200)
  })

  it('refuses a foreign Host or Origin even with the token (DNS rebinding, other pages)', async () => {
    expect((await get('/?token=secret-token-123', { host: `evil.example:${host.port}` })).status).toBe(403)
    expect((await get('/?token=secret-token-123', { origin: 'http://evil.example' })).status).toBe(403)
  })

  it('never lets a path escape the renderer folder', async () => {
    expect((await get('/..%2f..%2fetc%2fpasswd?token=secret-token-123')).status).toBe(404)
  })

  it('refuses WebSockets without the token or from another origin', async () => {
    const own = `http://127.0.0.1:${host.port}`
    await expect(connect(own, 'wrong')).rejects.toThrow(/403/)
    await expect(connect('http://evil.example')).rejects.toThrow(/403/)
    await expect(connect(undefined)).rejects.toThrow(/403/)
  })

  it('runs calls, returns user errors as values, and forwards farm events', async () => {
    const ws = await connect(`http://localhost:${host.port}`)
    const reply = nextMessage(ws, (m) => m.id === 1)
    ws.send(JSON.stringify({ id: 1, channel: 'jobs.pause', request: { jobId: 4 } }))
    expect(await reply).toEqual({ type: 'result', id: 1, ok: true, value: { ok: true } })
    expect(calls.at(-1)).toEqual({ channel: 'jobs.pause', request: { jobId: 4 } })

    const failure = nextMessage(ws, (m) => m.id === 2)
    ws.send(JSON.stringify({ id: 2, channel: 'jobs.get', request: { jobId: 9 } }))
    expect(await failure).toMatchObject({ ok: false, error: { message: 'There is no job 9.', user: true } })

    // Progress is a state: several updates of one job in a window arrive as the latest one.
    const updated = nextMessage(ws, (m) => m.event === 'job.updated')
    for (let done = 1; done <= 5; done++) events.emit('job.updated', { id: 7, itemsDone: done })
    expect(await updated).toEqual({ type: 'event', event: 'job.updated', payload: { id: 7, itemsDone: 5 } })
    ws.close()
  })

  it('sends the progress it held back before the answer of a later call', async () => {
    const ws = await connect(`http://localhost:${host.port}`)
    const order: unknown[] = []
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { type: string; payload?: { itemsDone: number } }
      order.push(m.type === 'event' ? m.payload?.itemsDone : m.type)
    })
    const reply = nextMessage(ws, (m) => m.id === 1)
    // Held back for up to 100 ms; the answer must not overtake it (it was true before the call ran).
    events.emit('job.updated', { id: 7, itemsDone: 9 })
    ws.send(JSON.stringify({ id: 1, channel: 'jobs.resume', request: { jobId: 7 } }))
    await reply
    expect(order).toEqual([9, 'result'])
    ws.close()
  })

  it('closes a socket that sends something other than a call', async () => {
    const ws = await connect(`http://127.0.0.1:${host.port}`)
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    ws.send(JSON.stringify({ id: 1, channel: 'fs.delete', request: {} }))
    expect(await closed).toBe(1008)
  })

  it('streams an export as a download', async () => {
    const response = await get('/export?jobId=3&format=csv&token=secret-token-123')
    expect(response.status).toBe(200)
    expect(response.body).toContain('"<b>x</b>",done')
  })
})

describe('web host without a built window', () => {
  it('refuses to start with one clear sentence', async () => {
    await expect(startWebHost({ api, events, rendererDir: join(tmpdir(), 'tf-no-such-renderer') })).rejects.toThrow(
      /not built yet.*npm run build/,
    )
  })
})
