import { EventEmitter } from 'node:events'
import { chownSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { controlEndpointFor, prepareControlEndpoint } from '../../src/host/control-endpoint'
import { ControlClient, FarmGoneError } from '../../src/host/control-client'
import { startControlServer, type ControlServer } from '../../src/host/control-server'
import { findOwner } from '../../src/host/find-owner'
import { openOrAttachFarm } from '../../src/host/open-or-attach'
import { UserError } from '../../src/shared/user-error'
import { openTestFarm, tempDir } from '../support/test-farm'
import type { ApiDoor, ApiHandlers } from '../../src/core/api-handlers'
import { readFileSync } from 'node:fs'
import { FarmLock } from '../../src/core/store/farm-lock'
import { helloLine, newNonce, newOwnerToken } from '../../src/core/store/owner-proof'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const token = newOwnerToken()
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
  const server = await startControlServer({ endpoint: controlEndpointFor(db), api, events, token })
  cleanups.push(
    () => dir.remove(),
    () => server.close(),
  )
  return { server, events, db }
}

/**
 * Sends raw bytes (after a hello that proves the token, unless `hello` says otherwise); resolves once
 * the owner closes the connection, or once `lines` lines have come back (the welcome not counted).
 */
function rawExchange(
  endpoint: string,
  bytes: string,
  lines = Infinity,
  hello = helloLine(token, newNonce()),
): Promise<{ lines: unknown[]; closed: boolean; welcomed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(endpoint)
    let data = ''
    const all = (): { type?: string }[] =>
      data
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type?: string })
    const welcomed = (): boolean => all()[0]?.type === 'welcome'
    const parsed = (): unknown[] => all().slice(welcomed() ? 1 : 0)
    socket.on('data', (d) => {
      data += d
      if (parsed().length >= lines) {
        resolve({ lines: parsed(), closed: false, welcomed: welcomed() })
        socket.destroy()
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => resolve({ lines: parsed(), closed: true, welcomed: welcomed() }))
    socket.write(hello + bytes)
  })
}

describe('the control endpoint', () => {
  // POSIX only: a Unix socket and its modes; on Windows the endpoint is a named pipe.
  it.skipIf(process.platform === 'win32')(
    'lives beside the history, in a folder and a socket only this user can open',
    async () => {
      const { server, db } = await serve()
      expect(server.endpoint).toBe(join(`${db}.control`, 'owner.sock'))
      expect(statSync(`${db}.control`).mode & 0o777).toBe(0o700)
      expect(statSync(server.endpoint).mode & 0o777).toBe(0o600)
      await server.close()
      expect(existsSync(`${db}.control`)).toBe(false)
    },
  )

  it('falls back to a private folder under the temporary directory when the path is too long for a socket', () => {
    const long = join('/tmp', 'x'.repeat(120), 'history.sqlite')
    expect(controlEndpointFor(long, 'linux', { env: {}, tmp: '/tmp' })).toMatch(
      /^\/tmp\/task-farm-\d+-[0-9a-f]{24}\/owner\.sock$/,
    )
    expect(controlEndpointFor('C:\\Users\\me\\history.sqlite', 'win32')).toMatch(
      /^\\\\\.\\pipe\\task-farm-[0-9a-f]{24}$/,
    )
  })

  it('keeps the socket path within what listen takes, for a long uid and $TMPDIR, on macOS and Linux', () => {
    const longTmp = `/var/folders/${'z'.repeat(40)}/${'y'.repeat(30)}/T`
    const uid = 4_294_967_294
    for (const platform of ['darwin', 'linux'] as const) {
      const endpoint = controlEndpointFor(join('/Users', 'x'.repeat(120), 'history.sqlite'), platform, {
        env: {},
        tmp: longTmp,
        uid,
      })
      expect(Buffer.byteLength(endpoint), endpoint).toBeLessThanOrEqual(103)
      expect(endpoint).toMatch(new RegExp(`^/tmp/tf-${uid}-[0-9a-f]{16}/owner\\.sock$`))
    }
    // A short enough $TMPDIR is used as it is.
    expect(
      controlEndpointFor(join('/Users', 'x'.repeat(120), 'h.sqlite'), 'darwin', { env: {}, tmp: '/var/T/', uid }),
    ).toMatch(new RegExp(`^/var/T/task-farm-${uid}-[0-9a-f]{24}/owner\\.sock$`))
  })

  it('on Linux falls back to $XDG_RUNTIME_DIR, and leaves a history whose file system cannot hold a socket', () => {
    const place = { env: { XDG_RUNTIME_DIR: '/run/user/1000' }, tmp: '/tmp', uid: 1000 }
    const long = join('/home/me', 'x'.repeat(120), 'history.sqlite')
    expect(controlEndpointFor(long, 'linux', place)).toMatch(
      /^\/run\/user\/1000\/task-farm-1000-[0-9a-f]{24}\/owner\.sock$/,
    )
    // macOS has no XDG runtime folder: its own $TMPDIR is per user already.
    expect(controlEndpointFor(long, 'darwin', place)).toMatch(/^\/tmp\/task-farm-1000-/)
    // A history on a USB stick (FAT, exFAT) or an SMB share: the socket goes to the runtime folder.
    const onStick = '/media/me/STICK/history.sqlite'
    expect(controlEndpointFor(onStick, 'linux', { ...place, holdsSockets: () => false })).toMatch(
      /^\/run\/user\/1000\//,
    )
    expect(controlEndpointFor(onStick, 'linux', { ...place, holdsSockets: () => true })).toBe(
      '/media/me/STICK/history.sqlite.control/owner.sock',
    )
  })

  it('refuses to listen in a folder another user made first', (ctx) => {
    if (process.getuid?.() !== 0) return ctx.skip('only root can give a folder to another user here')
    const dir = tempDir('tf-control-')
    cleanups.push(() => dir.remove())
    const folder = join(dir.path, 'theirs')
    mkdirSync(folder)
    chownSync(folder, 54_321, 54_321)
    expect(() => prepareControlEndpoint(join(folder, 'owner.sock'))).toThrow(/belongs to another user \(uid 54321\)/)
  })

  it('answers calls through the handlers, errors as errors, and forwards the farm events', async () => {
    const { server, events } = await serve()
    const client = await ControlClient.connect(server.endpoint, token)
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

  it('sends the progress it held back before the answer of a later call', async () => {
    const { server, events } = await serve()
    const client = await ControlClient.connect(server.endpoint, token)
    cleanups.push(() => client.close())
    const order: unknown[] = []
    client.on('job.updated', (p) => order.push(p))
    // Held back for up to 100 ms. A client that resumed a job then heard its older `interrupted`
    // after the answer, and took the resumed job for ended.
    events.emit('job.updated', { id: 1, state: 'interrupted' })
    await client.call('jobs.resume', { jobId: 1 }).then(() => order.push('answer'))
    expect(order).toEqual([{ id: 1, state: 'interrupted' }, 'answer'])
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
    const client = await ControlClient.connect(server.endpoint, token)
    let gone = false
    client.onGone(() => (gone = true))
    await server.close()
    await expect.poll(() => gone).toBe(true)
    await expect(client.call('pools.list', {})).rejects.toBeInstanceOf(FarmGoneError)
  })

  // POSIX only: a socket file left behind; a Windows pipe leaves nothing behind.
  it.skipIf(process.platform === 'win32')(
    'finds no owner, at once, behind a lock whose process is dead and a socket left behind',
    async () => {
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
      const server = await startControlServer({ endpoint, api, events: new EventEmitter(), token })
      cleanups.push(() => server.close())
      const client = await ControlClient.connect(endpoint, token)
      client.close()
    },
  )

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
    const client = await ControlClient.connect(opened.endpoint.endpoint, FarmLock.owner(db)!.token!)
    cleanups.push(() => client.close())
    await expect(client.call('jobs.list', {})).resolves.toEqual({ jobs: [], total: 0 })
  })
})
