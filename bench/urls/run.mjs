// URL-analysis benchmark, loopback only: our `task-farm urls` against the seed-style Python
// Pool(10) analyser and `xargs -P 10` with curl, on 2,000 URLs answered after 50 ms with 20 KB pages;
// then a CPU-bound run (no latency, 100 KB pages) with 1 and 2 workers.
// Usage: PATH=node_modules/.bin:$PATH node bench/urls/run.mjs [--urls N] [--concurrency N] [--rounds N]
// (after `npm run build:node`; needs python3, curl and xargs; about a minute on two idle cores).
// The row's ratios are medians over --rounds (3) rounds of ours, the bare loop and the Python pool,
// each round in another order, so a machine whose load drifts skews every peer alike.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tableRow } from '../table-row.mjs'
import { createInterface } from 'node:readline'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const URLS = arg('--urls', 2000)
const CONCURRENCY = arg('--concurrency', 128)
const ROUNDS = Math.max(1, arg('--rounds', 3))
const LATENCY_MS = 50
const work = mkdtempSync(join(tmpdir(), 'tf-bench-urls-'))

const servers = []
function startServer(delayMs, pageKb) {
  const child = spawn(process.execPath, [join(here, 'server.mjs'), String(delayMs), String(pageKb)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve) => {
    servers.push(child)
    createInterface({ input: child.stdout }).once('line', (port) =>
      resolve({ port: Number(port), stop: () => child.kill() }),
    )
  })
}

function writeList(port, name) {
  const path = join(work, name)
  writeFileSync(path, Array.from({ length: URLS }, (_, i) => `http://127.0.0.1:${port}/page/${i}`).join('\n') + '\n')
  return path
}

/** Runs a command to its end; returns wall seconds (and its standard output). */
function timed(command, args, options = {}) {
  const started = process.hrtime.bigint()
  const out = execFileSync(command, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
    encoding: 'utf8',
    ...options,
  })
  timed.out = out
  return Number(process.hrtime.bigint() - started) / 1e9
}

/** Seconds from the end of the plan to the end of the job, read from `--json` events: the fetching alone. */
function fetchSeconds(jsonLines) {
  const events = jsonLines
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
  const planned = events.find((e) => e.event === 'log' && /URLs to analyse/.test(e.message))
  const end = events.find((e) => e.event === 'end')
  return (end.finishedAt - planned.at) / 1000
}

let dbCount = 0
function ours(list, { workers, concurrency }) {
  const db = join(work, `history-${dbCount++}.db`)
  return timed(process.execPath, [
    join(root, 'bin/task-farm.js'),
    '--db',
    db,
    'urls',
    list,
    '--concurrency',
    String(concurrency),
    '--per-host',
    String(Math.min(256, concurrency)),
    '--retries',
    '0',
    '--workers',
    String(workers),
    '--json',
  ])
}

const rate = (seconds) => URLS / seconds
const fmt = (n) => n.toFixed(0).padStart(6)
const line = (label, seconds, extra = '') =>
  console.log(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s ${fmt(rate(seconds))} URLs/s ${extra}`)

try {
  console.log(`URL analysis, ${URLS} URLs on 127.0.0.1, each answered after ${LATENCY_MS} ms with a 20 KB page`)
  const slow = await startServer(LATENCY_MS, 20)
  const list = writeList(slow.port, 'urls.txt')
  const bound = CONCURRENCY / (LATENCY_MS / 1000)
  const workers = 2
  const runs = {
    ours: () => {
      const seconds = ours(list, { workers, concurrency: CONCURRENCY })
      return { seconds, fetching: fetchSeconds(timed.out) }
    },
    python: () => ({ seconds: timed('python3', [join(here, 'seed_pool.py'), list]) }),
    bare: () => ({ seconds: timed(process.execPath, [join(here, 'bare-fetch.mjs'), list, String(CONCURRENCY)]) }),
  }
  const rounds = []
  for (let r = 0; r < ROUNDS; r++) {
    const order = Object.keys(runs)
    for (let k = 0; k < r % order.length; k++) order.push(order.shift())
    const round = {}
    for (const name of order) round[name] = runs[name]()
    rounds.push(round)
    if (ROUNDS > 1)
      console.log(
        `  round ${r + 1} (${order.join(', ')}): ours ${round.ours.seconds.toFixed(2)} s, bare ${round.bare.seconds.toFixed(2)} s, python ${round.python.seconds.toFixed(2)} s`,
      )
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  const tOurs = median(rounds.map((r) => r.ours.seconds))
  const tFetch = median(rounds.map((r) => r.ours.fetching))
  const tPython = median(rounds.map((r) => r.python.seconds))
  const tBare = median(rounds.map((r) => r.bare.seconds))
  const seedRatio = median(rounds.map((r) => r.python.seconds / r.ours.seconds))
  const bareRatio = median(rounds.map((r) => r.ours.seconds / r.bare.seconds))
  const tCurl = timed('sh', ['-c', `xargs -P 10 -n 1 curl -s -o /dev/null < "${list}"`])
  slow.stop()
  line(
    `task-farm urls (concurrency ${CONCURRENCY}, ${workers} workers)`,
    tOurs,
    `= ${((rate(tOurs) / bound) * 100).toFixed(0)}% of the bound`,
  )
  line(
    '  of which fetching (plan end → job end)',
    tFetch,
    `= ${((rate(tFetch) / bound) * 100).toFixed(0)}% of the bound`,
  )
  line('python Pool(10) + urllib + html.parser', tPython)
  line('xargs -P 10 curl', tCurl)
  line(`bare Node fetch loop (${CONCURRENCY} in flight, bodies read)`, tBare)
  console.log(
    `bound: concurrency ÷ latency = ${CONCURRENCY} ÷ ${LATENCY_MS / 1000} s = ${bound.toFixed(0)} URLs/s (bound ÷ ours = ${(bound / rate(tOurs)).toFixed(2)}× whole run, ${(bound / rate(tFetch)).toFixed(2)}× fetching)`,
  )
  console.log(
    `ratios: ours ÷ python Pool = ${seedRatio.toFixed(2)}× (${(tPython / tFetch).toFixed(1)}× fetching), ours ÷ xargs curl = ${(tCurl / tOurs).toFixed(1)}×`,
  )
  console.log(
    `time ÷ bare fetch loop: ${bareRatio.toFixed(2)}× whole run, ${(tFetch / tBare).toFixed(2)}× fetching (the goal: ≤ 1.5×)`,
  )
  console.log(`(times and ratios: medians of ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}; curl once)`)
  console.log('(our times are whole CLI runs: start, plan, workers, SQLite history, shutdown)')
  tableRow(
    8,
    `${URLS.toLocaleString()} URLs, ${LATENCY_MS} ms latency, 20 KB pages, ${CONCURRENCY} in flight`,
    'python Pool(10); bare fetch loop',
    `${seedRatio.toFixed(2)}× the seed; ${bareRatio.toFixed(2)}× the bare loop's time`,
  )

  console.log(`\nCPU-bound: ${URLS} URLs, no latency, 100 KB pages`)
  const fast = await startServer(0, 100)
  const cpuList = writeList(fast.port, 'cpu-urls.txt')
  ours(cpuList, { workers: 1, concurrency: 64 })
  const one = fetchSeconds(timed.out)
  ours(cpuList, { workers: 2, concurrency: 64 })
  const two = fetchSeconds(timed.out)
  fast.stop()
  line('task-farm urls, 1 worker (fetching)', one)
  line('task-farm urls, 2 workers (fetching)', two, `= ${(one / two).toFixed(2)}× the 1-worker rate`)
  console.log(
    `\n(load average at the end: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores; other work on the machine skews every figure)`,
  )
} finally {
  for (const server of servers) server.kill()
  rmSync(work, { recursive: true, force: true })
}
