// Remote-worker benchmark, loopback only: the same work on 2 local workers and on 2 `task-farm worker`
// hosts (one worker process each, 0 local workers) through a loopback redis-server; then the round
// trip of one tiny batch: farm → Redis → host → its worker process → host → Redis → farm.
// Usage: PATH=node_modules/.bin:$PATH node bench/remote/run.mjs [--urls N] [--probes N] [--trips N] [--rounds N]
// (after `npm run build:node`; needs Debian's redis-server; about a minute on two idle cores).
import { spawn, execFileSync } from 'node:child_process'
import { createHmac, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Queue, QueueEvents } from 'bullmq'
import { Redis } from 'ioredis'
import { tableRow } from '../table-row.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..')
const cli = join(root, 'bin/task-farm.js')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const URLS = arg('--urls', 2000)
const PROBES = arg('--probes', 20000)
const TRIPS = arg('--trips', 200)
const ROUNDS = arg('--rounds', 3)
const work = mkdtempSync(join(tmpdir(), 'tf-bench-remote-'))
const children = []
// The protocol the built CLI speaks, read from its source so this script keeps in step with it.
const PROTOCOL = Number(
  /REMOTE_PROTOCOL = (\d+)/.exec(readFileSync(join(root, 'src/remote/remote-protocol.ts'), 'utf8'))[1],
)
// One key for the farms and hosts of this run (they sign and check every batch with it).
const KEY = randomBytes(32).toString('hex')
process.env.TASK_FARM_REMOTE_KEY = KEY
// As src/remote/remote-signing.ts signs: an HMAC-SHA-256 of the JSON of what is signed.
const mac = (parts) => createHmac('sha256', KEY).update(JSON.stringify(parts)).digest('base64url')

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

function startLine(command, args, match, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
  children.push(child)
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => match(line) && resolve({ child, line }))
    }
    child.once('exit', (code) => reject(new Error(`${command} ${args[0]} exited (${code})`)))
  })
}

function timed(args, env = {}) {
  const started = process.hrtime.bigint()
  execFileSync(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  })
  return Number(process.hrtime.bigint() - started) / 1e9
}

let dbs = 0
const db = () => join(work, `history-${dbs++}.db`)

try {
  const redisPort = await freePort()
  await startLine(
    'redis-server',
    ['--save', '', '--appendonly', 'no', '--port', String(redisPort), '--bind', '127.0.0.1', '--dir', work],
    (l) => l.includes('Ready to accept'),
  )
  const redisUrl = `redis://127.0.0.1:${redisPort}`
  const { line: portLine } = await startLine(process.execPath, [join(root, 'bench/urls/server.mjs'), '50', '20'], (l) =>
    /^\d+$/.test(l),
  )
  const list = join(work, 'urls.txt')
  writeFileSync(
    list,
    Array.from({ length: URLS }, (_, i) => `http://127.0.0.1:${portLine}/page/${i}`).join('\n') + '\n',
  )
  const urlArgs = ['urls', list, '--concurrency', '128', '--per-host', '128', '--retries', '0']
  const probeArgs = ['probe', '--count', String(PROBES)]

  console.log(
    `Remote workers through a loopback Redis: 2 local workers vs 2 hosts of 1 worker process each, medians of ${ROUNDS} alternating rounds`,
  )
  const hosts = []
  for (const name of ['bench-a', 'bench-b']) {
    hosts.push(
      startLine(process.execPath, [cli, 'worker', '--redis', redisUrl, '--concurrency', '1', '--name', name], (l) =>
        l.includes('serving'),
      ),
    )
  }
  await Promise.all(hosts)
  // Local and remote runs take turns, so a slower minute of the machine falls on both; the hosts stay
  // up between runs, as a farm's hosts do.
  const times = { localUrls: [], remoteUrls: [], localProbes: [], remoteProbes: [] }
  for (let round = 0; round < ROUNDS; round++) {
    times.localUrls.push(timed(['--db', db(), ...urlArgs, '--workers', '2']))
    times.remoteUrls.push(timed(['--db', db(), '--redis', redisUrl, ...urlArgs, '--workers', '0']))
    times.localProbes.push(timed(['--db', db(), ...probeArgs, '--workers', '2']))
    times.remoteProbes.push(timed(['--db', db(), '--redis', redisUrl, ...probeArgs, '--workers', '0']))
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  const [localUrls, remoteUrls, localProbes, remoteProbes] = Object.values(times).map(median)

  const row = (label, seconds, units, extra = '') =>
    console.log(
      `${label.padEnd(46)} ${seconds.toFixed(2).padStart(7)} s ${(units / seconds).toFixed(0).padStart(8)} units/s ${extra}`,
    )
  row(`${URLS} URLs (50 ms, 20 KB), 2 local workers`, localUrls, URLS)
  row(`${URLS} URLs, 2 remote hosts`, remoteUrls, URLS, `= ${(localUrls / remoteUrls).toFixed(2)}× the local rate`)
  row(`${PROBES} probe inputs, 2 local workers`, localProbes, PROBES)
  row(
    `${PROBES} probe inputs, 2 remote hosts`,
    remoteProbes,
    PROBES,
    `= ${(localProbes / remoteProbes).toFixed(2)}× the local rate`,
  )
  tableRow(
    9,
    `${PROBES.toLocaleString()} probe inputs on 2 remote hosts (loopback Redis)`,
    'the same on 2 local workers',
    `${(localProbes / remoteProbes).toFixed(2)}× the local rate (URLs: ${(localUrls / remoteUrls).toFixed(2)}×)`,
  )
  console.log(
    '(whole CLI runs: start, plan, run, SQLite history, shutdown; the remote farm first waits up to 1 s to see the hosts)',
  )

  // The per-batch round trip: one probe unit per batch, sent one after another, as the farm sends them.
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const queue = new Queue(`tf-p${PROTOCOL}-cpu`, { connection, prefix: 'taskfarm' })
  const events = new QueueEvents(`tf-p${PROTOCOL}-cpu`, { connection, prefix: 'taskfarm' })
  await events.waitUntilReady()
  // Hosts run only batches of the live farm's run: this script is that farm, with nothing cancelled.
  const session = 'bench'
  const state = JSON.stringify({ session, at: Date.now(), revokedJobs: [], revokedBatches: [] })
  await connection.set(
    'taskfarm:farm',
    JSON.stringify({ protocol: PROTOCOL, body: state, mac: mac(['farm', PROTOCOL, state]) }),
    'EX',
    600,
  )
  const spec = {
    kind: 'probe',
    count: 1,
    chunk: 1,
    sleepMs: 0,
    failOn: [],
    crashOn: [],
    hangOn: [],
    throwOn: [],
    printOn: [],
  }
  const trips = []
  for (let i = 0; i < TRIPS; i++) {
    const item = { id: i + 1, key: '#0', payload: { n: 0, first: 0, count: 1 }, size: 0, attempt: 1 }
    const started = process.hrtime.bigint()
    const batchId = `${session}-${i + 1}`
    const task = JSON.stringify({ type: 'run', taskId: i + 1, jobId: 1, spec, batches: [], units: [item] })
    const signed = mac(['batch', PROTOCOL, batchId, session, 1, task])
    const job = await queue.add(
      'batch',
      { protocol: PROTOCOL, session, jobId: 1, task, mac: signed },
      { jobId: batchId, removeOnComplete: { count: 1000 } },
    )
    await job.waitUntilFinished(events)
    trips.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  trips.sort((a, b) => a - b)
  const at = (q) => trips[Math.min(trips.length - 1, Math.floor(q * trips.length))].toFixed(1)
  console.log(
    `per-batch round trip over ${TRIPS} one-unit batches: median ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms`,
  )
  await events.close()
  await queue.close()
  connection.disconnect()
  console.log(
    `\n(load average at the end: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores; other work on the machine skews every figure)`,
  )
} finally {
  for (const child of children.reverse()) child.kill('SIGKILL')
  rmSync(work, { recursive: true, force: true })
}
