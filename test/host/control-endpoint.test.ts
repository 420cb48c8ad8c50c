import { EventEmitter } from 'node:events'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { controlEndpointFor } from '../../src/host/control-endpoint'
import { ControlClient, FarmGoneError } from '../../src/host/control-client'
import { startControlServer, type ControlServer } from '../../src/host/control-server'
import { findOwner } from '../../src/host/find-owner'
import { openOrAttachFarm } from '../../src/host/open-or-attach'
import { UserError } from '../../src/shared/user-error'
import { openTestFarm, tempDir } from '../support/test-farm'
import type { ApiDoor, ApiHandlers } from '../../src/core/api-handlers'
import { readFileSync } from 'node:fs'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const calls: { channel: string; request: unknown; door?: ApiDoor }[] = []
/** Records what reaches the owner; answers like a farm that has no job 9. */
const api = {
  async handle(channel: string, request: unknown, door?: ApiDoor): Promise<unknown> {
    calls.push({ channel, request, door })
    if (channel === 'jobs.get') throw new UserError('There is no job 9.', 'no-such-job')
    return { ok: true }
  },
} as ApiHandlers

async function serve(): Promise<{ server: ControlServer; events: EventEmitter; db: string }> {
  const dir = tempDir('tf-control-')
  const db = join(dir.path, 'history.sqlite')
  const events = new EventEmitter()
  const server = await startControlServer({ endpoint: controlEndpointFor(db), api, events })
  cleanups.push(
    () => dir.remove(),
    () => server.close(),
  )
  return { server, events, db }
}

/** Sends raw bytes; resolves once the owner closes the connection, or once `lines` lines have come back. */
function rawExchange(
  endpoint: string,
  bytes: string,
  lines = Infinity,
): Promise<{ lines: unknown[]; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(endpoint)
    let data = ''
    const parsed = (): unknown[] =>
      data
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    socket.on('data', (d) => {
      data += d
      if (parsed().length >= lines) {
        resolve({ lines: parsed(), closed: false })
        socket.destroy()
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => resolve({ lines: parsed(), closed: true }))
    socket.write(bytes)
  })
}

describe('the control endpoint', () => {
  it('lives beside the history, in a folder and a socket only this user can open', async () => {
    const { server, db } = await serve()
    expect(server.endpoint).toBe(join(`${db}.control`, 'owner.sock'))
    expect(statSync(`${db}.control`).mode & 0o777).toBe(0o700)
    expect(statSync(server.endpoint).mode & 0o777).toBe(0o600)
    await server.close()
    expect(existsSync(`${db}.control`)).toBe(false)
  })

  it('falls back to a private folder under the temporary directory (or /tmp) when the path is too long for a socket', () => {
    const long = join(tmpdir(), 'x'.repeat(120), 'history.sqlite')
    // TMPDIR is read at each call: set here, so the test holds wherever the run's own TMPDIR lies.
    const fallback = (tmp: string): string => {
      const saved = process.env.TMPDIR
      process.env.TMPDIR = tmp
      try {
        return controlEndpointFor(long)
      } finally {
        if (saved === undefined) delete process.env.TMPDIR
        else process.env.TMPDIR = saved
      }
    }
    expect(fallback('/var/tmp/short')).toMatch(/^\/var\/tmp\/short\/task-farm-\d+-[0-9a-f]{24}\/owner\.sock$/)
    expect(fallback(`/var/tmp/${'y'.repeat(90)}`)).toMatch(/^\/tmp\/task-farm-\d+-[0-9a-f]{24}\/owner\.sock$/)
    expect(controlEndpointFor('C:\\Users\\me\\history.sqlite', 'win32')).toMatch(
      /^\\\\\.\\pipe\\task-farm-[0-9a-f]{24}$/,
    )
  })

  it('answers calls through the handlers, errors as errors, and forwards the farm events', async () => {
    const { server, events } = await serve()
    const client = await ControlClient.connect(server.endpoint)
    cleanups.push(() => client.close())
    await expect(client.call('jobs.cancel', { jobId: 3 })).resolves.toEqual({ ok: true })
    // The CLI's own calls come through the local door (its user typed them).
    expect(calls.at(-1)).toEqual({ channel: 'jobs.cancel', request: { jobId: 3 }, door: 'local' })
    await expect(client.call('jobs.get', { jobId: 9 })).rejects.toMatchObject({
      name: 'UserError',
      code: 'no-such-job',
    })
    const seen: unknown[] = []
    client.on('job.removed', (p) => seen.push(p))
    events.emit('job.removed', { jobId: 4 })
    await expect.poll(() => seen).toEqual([{ jobId: 4 }])
  })

  it('answers an unknown channel by its id, and refuses and closes on what is not a call', async () => {
    const { server } = await serve()
    expect((await rawExchange(server.endpoint, '{"id":7,"channel":"jobs.explode","request":{}}\n', 1)).lines).toEqual([
      { type: 'result', id: 7, ok: false, error: expect.objectContaining({ code: 'unknown-channel', user: true }) },
    ])
    for (const garbage of ['not json\n', '[1,2]\n', '{"id":-1,"channel":"jobs.list"}\n', 'null\n']) {
      const { lines, closed } = await rawExchange(server.endpoint, garbage)
      expect(closed, garbage).toBe(true)
      expect(lines, garbage).toEqual([{ type: 'refused', message: expect.any(String) }])
    }
  })

  it('tells a client whose owner goes away, and fails its pending calls', async () => {
    const { server } = await serve()
    const client = await ControlClient.connect(server.endpoint)
    let gone = false
    client.onGone(() => (gone = true))
    await server.close()
    await expect.poll(() => gone).toBe(true)
    await expect(client.call('pools.list', {})).rejects.toBeInstanceOf(FarmGoneError)
  })

  it('finds no owner, at once, behind a lock whose process is dead and a socket left behind', async () => {
    const dir = tempDir('tf-control-')
    cleanups.push(() => dir.remove())
    const db = join(dir.path, 'history.sqlite')
    const endpoint = controlEndpointFor(db)
    mkdirSync(join(`${db}.control`), { recursive: true })
    writeFileSync(endpoint, '')
    writeFileSync(
      `${db}.lock`,
      JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), since: 0, endpoint }),
    )
    expect(await findOwner(db)).toBeNull()
    // The next owner removes what the dead one left and listens there.
    const server = await startControlServer({ endpoint, api, events: new EventEmitter() })
    cleanups.push(() => server.close())
    const client = await ControlClient.connect(endpoint)
    client.close()
  })

  it('openOrAttachFarm owns a history no one runs, and records its endpoint with the lock', async () => {
    const dir = tempDir('tf-control-')
    cleanups.push(() => dir.remove())
    const db = join(dir.path, 'history.sqlite')
    const opened = await openOrAttachFarm(db, () => openTestFarm({}, dir).farm)
    if (!opened.owner) throw new Error('expected to own the history')
    cleanups.push(
      () => opened.endpoint.close(),
      () => opened.farm.shutdown('now'),
    )
    expect(JSON.parse(readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({
      pid: process.pid,
      endpoint: opened.endpoint.endpoint,
    })
    const client = await ControlClient.connect(opened.endpoint.endpoint)
    cleanups.push(() => client.close())
    await expect(client.call('jobs.list', {})).resolves.toEqual({ jobs: [], total: 0 })
  })
})
