import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { hostname, uptime } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FarmLock } from '../../src/core/store/farm-lock'
import { helloLine, newNonce, newOwnerToken } from '../../src/core/store/owner-proof'
import { ControlClient } from '../../src/host/control-client'
import { findOwner } from '../../src/host/find-owner'
import { startControlServer } from '../../src/host/control-server'
import type { ApiHandlers } from '../../src/core/api-handlers'
import { tempDir } from '../support/test-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const endpointIn = (dir: string): string =>
  process.platform === 'win32' ? `\\\\.\\pipe\\tf-test-${randomBytes(8).toString('hex')}` : join(dir, 'owner.sock')

const calls: string[] = []
const api = { handle: async (channel: string) => (calls.push(channel), { ok: true }) } as unknown as ApiHandlers

async function serve(): Promise<{ endpoint: string; token: string; events: EventEmitter }> {
  const dir = tempDir('tf-proof-')
  const token = newOwnerToken()
  const events = new EventEmitter()
  const server = await startControlServer({ endpoint: endpointIn(dir.path), api, events, token })
  cleanups.push(
    () => dir.remove(),
    () => server.close(),
  )
  return { endpoint: server.endpoint, token, events }
}

/** Connects, writes `first`, has the farm emit an event, and collects every byte until the owner closes. */
function bytesGiven(endpoint: string, first: string, events: EventEmitter): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(endpoint)
    let got = ''
    const guard = setTimeout(() => reject(new Error('the owner neither answered nor closed')), 20_000)
    socket.on('data', (d) => (got += d))
    socket.on('error', () => {})
    socket.on('close', () => (clearTimeout(guard), resolve(got)))
    socket.on('connect', () => {
      // An event before the hello, then a call, then the hello's bytes: none of it may be answered.
      events.emit('job.removed', { jobId: 1 })
      socket.write(`{"id":1,"channel":"jobs.list","request":{}}\n${first}`)
    })
  })
}

/** A process that owns a fake lock: it listens and answers a hello as `mode` says (written apart from the code under test). */
function fakeOwner(endpoint: string, token: string, mode: 'answer' | 'wrong' | 'silent'): Promise<ChildProcess> {
  const script = `
    const net = require('node:net'), crypto = require('node:crypto')
    const [endpoint, token, mode] = process.argv.slice(1)
    net.createServer((s) => {
      let d = ''
      s.on('error', () => {})
      s.on('data', (c) => {
        d += c
        if (!d.includes('\\n') || mode === 'silent') return
        const { nonce } = JSON.parse(d.slice(0, d.indexOf('\\n')))
        const proof = mode === 'wrong' ? 'f'.repeat(64) : crypto.createHmac('sha256', token).update('owner\\n' + nonce).digest('hex')
        s.write(JSON.stringify({ type: 'welcome', proof }) + '\\n')
      })
    }).listen(endpoint, () => console.log('ready'))`
  const child = spawn(process.execPath, ['-e', script, endpoint, token, mode], { stdio: ['ignore', 'pipe', 'inherit'] })
  cleanups.push(() => child.kill('SIGKILL'))
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child))
    child.once('exit', () => reject(new Error('the fake owner ended')))
  })
}

function writeLock(db: string, owner: object): void {
  writeFileSync(`${db}.lock`, JSON.stringify({ host: hostname(), since: Date.now(), ...owner }))
}

describe('the owner proves itself with the lock token', () => {
  it('gives a client without the token nothing: no events, no answers, and closes', async () => {
    const { endpoint, token, events } = await serve()
    for (const first of ['', 'not json\n', helloLine(newOwnerToken(), newNonce()), '{"type":"hello"}\n']) {
      const before = calls.length
      expect(await bytesGiven(endpoint, first || '{}\n', events), first).toBe('')
      expect(calls.length).toBe(before)
    }
    await expect(ControlClient.connect(endpoint, newOwnerToken())).rejects.toMatchObject({ code: 'EPROTO' })
    // With the token, the same owner answers.
    const client = await ControlClient.connect(endpoint, token)
    cleanups.push(() => client.close())
    await expect(client.call('jobs.list', {})).resolves.toEqual({ ok: true })
  })

  it('is not fooled by an endpoint that cannot prove the token', async () => {
    const dir = tempDir('tf-proof-')
    cleanups.push(() => dir.remove())
    const endpoint = endpointIn(dir.path)
    await fakeOwner(endpoint, newOwnerToken(), 'answer')
    await expect(ControlClient.connect(endpoint, newOwnerToken())).rejects.toMatchObject({ code: 'EPROTO' })
  })

  it('keeps its lock file private and holds a token in it', () => {
    const dir = tempDir('tf-proof-')
    cleanups.push(() => dir.remove())
    const db = join(dir.path, 'history.sqlite')
    const lock = FarmLock.acquire(db)
    cleanups.push(() => lock.release())
    expect(JSON.parse(readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({
      pid: process.pid,
      token: expect.any(String),
    })
    if (process.platform !== 'win32') expect(statSync(`${db}.lock`).mode & 0o777).toBe(0o600)
    FarmLock.recordEndpoint(db, endpointIn(dir.path))
    if (process.platform !== 'win32') expect(statSync(`${db}.lock`).mode & 0o777).toBe(0o600)
    expect(FarmLock.ownToken(db)).toBe(JSON.parse(readFileSync(`${db}.lock`, 'utf8')).token)
  })
})

describe("a lock's liveness is its endpoint's answer, not its pid", () => {
  const lockIn = (): { db: string; endpoint: string } => {
    const dir = tempDir('tf-proof-')
    cleanups.push(() => dir.remove())
    return { db: join(dir.path, 'history.sqlite'), endpoint: endpointIn(dir.path) }
  }

  it('takes over a lock whose pid is alive (reused) but whose endpoint does not answer', () => {
    const { db, endpoint } = lockIn()
    // The test runner's parent: alive, and not a farm.
    writeLock(db, { pid: process.ppid, token: newOwnerToken(), endpoint })
    FarmLock.acquire(db).release()
  })

  it('takes over a lock whose endpoint answers without the token', async () => {
    const { db, endpoint } = lockIn()
    const squatter = await fakeOwner(endpoint, newOwnerToken(), 'wrong')
    writeLock(db, { pid: squatter.pid, token: newOwnerToken(), endpoint })
    FarmLock.acquire(db).release()
  })

  it('takes over a lock written before the machine started, whatever has its pid now', () => {
    const { db } = lockIn()
    writeLock(db, { pid: process.ppid, since: Date.now() - uptime() * 1000 - 3_600_000 })
    FarmLock.acquire(db).release()
  })

  it('refuses while the owner answers with the token, and while a busy owner is silent', async () => {
    for (const mode of ['answer', 'silent'] as const) {
      const { db, endpoint } = lockIn()
      const token = newOwnerToken()
      const owner = await fakeOwner(endpoint, token, mode)
      writeLock(db, { pid: owner.pid, token, endpoint })
      expect(() => FarmLock.acquire(db), mode).toThrow(/already running jobs/)
      expect(FarmLock.owner(db)?.pid, mode).toBe(owner.pid)
    }
  })
})

describe('a command finds the owner by connecting to it (the welcome is the proof)', () => {
  const lockIn = (): { db: string; endpoint: string } => {
    const dir = tempDir('tf-proof-')
    cleanups.push(() => dir.remove())
    return { db: join(dir.path, 'history.sqlite'), endpoint: endpointIn(dir.path) }
  }

  it('connects to an owner that answers with the token', async () => {
    const { db, endpoint } = lockIn()
    const token = newOwnerToken()
    const owner = await fakeOwner(endpoint, token, 'answer')
    writeLock(db, { pid: owner.pid, token, endpoint })
    const client = await findOwner(db)
    expect(client).not.toBe(null)
    client?.close()
  })

  it('finds none where nothing listens, where the answer lacks the token, or in a lock from before the boot', async () => {
    const nothing = lockIn()
    writeLock(nothing.db, { pid: process.ppid, token: newOwnerToken(), endpoint: nothing.endpoint })
    expect(await findOwner(nothing.db)).toBe(null)
    const squatted = lockIn()
    const squatter = await fakeOwner(squatted.endpoint, newOwnerToken(), 'wrong')
    writeLock(squatted.db, { pid: squatter.pid, token: newOwnerToken(), endpoint: squatted.endpoint })
    expect(await findOwner(squatted.db)).toBe(null)
    const old = lockIn()
    writeLock(old.db, { pid: process.ppid, since: Date.now() - uptime() * 1000 - 3_600_000 })
    expect(await findOwner(old.db)).toBe(null)
  })
})

// Only the workflow's windows-latest job has named pipes.
describe.runIf(process.platform === 'win32')('the owner on Windows', () => {
  it('listens on a pipe whose name ends unguessably (another user cannot create it first)', async () => {
    const { openTestFarm } = await import('../support/test-farm')
    const { listenForClients } = await import('../../src/host/farm-endpoint')
    const { farm, dbPath, dir } = openTestFarm()
    const server = await listenForClients(farm)
    try {
      expect(server.endpoint).toMatch(/^\\\\\.\\pipe\\task-farm-[0-9a-f]{24}-[0-9a-f]{16}$/)
      expect(FarmLock.owner(dbPath)?.endpoint).toBe(server.endpoint)
    } finally {
      await server.close()
      await farm.shutdown('now')
      dir.remove()
    }
  })
})
