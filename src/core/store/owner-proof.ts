import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { Worker } from 'node:worker_threads'

/**
 * The farm's owner proves it is alive, and that it is the owner, by its control endpoint: its lock
 * file (readable by its user only) holds a random token; a client proves it read the token before the
 * owner sends it anything, and the owner proves it holds the token in its answer. The token itself
 * never travels: each side sends an HMAC of a fresh nonce, so a process squatting on the endpoint's
 * name learns nothing it can reuse. This works the same on a Unix socket and a Windows pipe, and
 * unlike `kill(pid, 0)` it is not fooled by a pid the system gave to another process after a crash.
 */

export const newOwnerToken = (): string => randomBytes(32).toString('base64url')
export const newNonce = (): string => randomBytes(16).toString('hex')

const proof = (token: string, side: 'client' | 'owner', nonce: string): string =>
  createHmac('sha256', token).update(`${side}\n${nonce}`).digest('hex')

/** The first line a client sends: `{ type: 'hello', nonce, proof }`. */
export const helloLine = (token: string, nonce: string): string =>
  `${JSON.stringify({ type: 'hello', nonce, proof: proof(token, 'client', nonce) })}\n`

/** The owner's answer to a good hello: `{ type: 'welcome', proof }`. */
export const welcomeLine = (token: string, nonce: string): string =>
  `${JSON.stringify({ type: 'welcome', proof: proof(token, 'owner', nonce) })}\n`

const sameHex = (a: unknown, b: string): boolean =>
  typeof a === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

/** The nonce of a hello that proves the token, or null (anything else: the client gets nothing). */
export function checkHello(token: string, message: unknown): string | null {
  const { type, nonce, proof: given } = (message ?? {}) as Record<string, unknown>
  if (type !== 'hello' || typeof nonce !== 'string' || !/^[0-9a-f]{16,128}$/.test(nonce)) return null
  return sameHex(given, proof(token, 'client', nonce)) ? nonce : null
}

/** Whether the owner's answer proves it holds the token. */
export function checkWelcome(token: string, nonce: string, message: unknown): boolean {
  const { type, proof: given } = (message ?? {}) as Record<string, unknown>
  return type === 'welcome' && sameHex(given, proof(token, 'owner', nonce))
}

/**
 * What a look at an owner's endpoint found: `answered` with the token; `absent` (nothing listens);
 * `wrong` (something listens but cannot prove the token); `silent` (no answer in time: a busy owner
 * is still an owner).
 */
export type ProbeResult = 'answered' | 'absent' | 'wrong' | 'silent'
// 0 is "no word from the probe's thread yet", which counts as silent too.
const results: ProbeResult[] = ['silent', 'answered', 'absent', 'wrong', 'silent']

// The probe's own thread: plain CommonJS, so it runs the same from the bundle, Electron and the tests.
const probeSource = `
const { workerData } = require('node:worker_threads')
const { connect } = require('node:net')
const { endpoint, hello, expect, timeoutMs, shared } = workerData
const flag = new Int32Array(shared)
const socket = connect(endpoint)
const done = (code) => {
  if (Atomics.compareExchange(flag, 0, 0, code) === 0) Atomics.notify(flag, 0)
  socket.destroy()
  clearTimeout(timer)
}
const timer = setTimeout(() => done(4), timeoutMs)
let data = ''
socket.on('connect', () => socket.write(hello))
socket.on('data', (chunk) => {
  data += chunk
  const end = data.indexOf('\\n')
  if (end >= 0) done(data.slice(0, end) === expect ? 1 : 3)
  else if (data.length > 4096) done(3)
})
// Nothing there: absent. Any other error (EAGAIN on a full backlog, a timeout) says nothing: a busy owner.
socket.on('error', (error) => done(error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? 2 : 4))
socket.on('close', () => done(3))
`

/**
 * Looks at an owner's endpoint and waits for the answer, synchronously: the lock is taken in a
 * constructor. A thread of its own does the talking while this one waits on a shared flag.
 */
export function probeOwnerSync(endpoint: string, token: string, timeoutMs = 2000): ProbeResult {
  const shared = new SharedArrayBuffer(4)
  const flag = new Int32Array(shared)
  const nonce = newNonce()
  const worker = new Worker(probeSource, {
    eval: true,
    workerData: {
      endpoint,
      hello: helloLine(token, nonce),
      expect: welcomeLine(token, nonce).trimEnd(),
      timeoutMs,
      shared,
    },
  })
  worker.unref()
  // Starting a thread on a loaded machine takes time of its own: the wait allows for it.
  Atomics.wait(flag, 0, 0, timeoutMs + 5000)
  void worker.terminate()
  return results[Atomics.load(flag, 0)]!
}
