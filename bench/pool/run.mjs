// Tiny tasks through a pool: Task Farm's probe job against Python's multiprocessing.Pool
// (map with a chunk size, and apply_async), same task count and worker count, alternating runs,
// medians, printed as tasks per second and ratios. Run with `npm run bench` (or `node bench/pool/run.mjs`).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tableRow } from '../table-row.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const count = Number(process.env.BENCH_TASKS ?? 200_000)
const workers = Number(process.env.BENCH_WORKERS ?? 2)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const chunk = Math.ceil(count / (workers * 4)) // What Pool.map picks by default.

function timed(command, args) {
  const started = process.hrtime.bigint()
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const wall = Number(process.hrtime.bigint() - started) / 1e9
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`)
  return { wall, out: r.stdout }
}

function taskFarm(chunkSize) {
  const dir = mkdtempSync(join(tmpdir(), 'tf-bench-'))
  try {
    const { wall, out } = timed(process.execPath, [
      join(root, 'bin/task-farm.js'),
      '--db',
      join(dir, 'h.sqlite'),
      'probe',
      '--count',
      String(count),
      '--chunk',
      String(chunkSize),
      '--workers',
      String(workers),
      '--json',
    ])
    const end = JSON.parse(out.trim().split('\n').at(-1))
    if (end.state !== 'completed' || end.itemsDone !== Math.ceil(count / chunkSize))
      throw new Error(`probe job ended ${end.state}`)
    return { inside: (end.finishedAt - end.startedAt) / 1000, wall }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function python(mode) {
  const { wall, out } = timed('python3', [
    join(root, 'bench/pool/python_pool.py'),
    mode,
    String(count),
    String(workers),
    String(chunk),
  ])
  return { inside: JSON.parse(out).seconds, wall }
}

// Two fair pairs: chunks of the same size as Pool.map's, and one message per task as apply_async
// (for Task Farm that is one durable item per task: its own row, result, retries and crash isolation).
const pairs = [
  [
    'map, chunks of ' + chunk,
    'task-farm probe --chunk ' + chunk,
    () => taskFarm(chunk),
    'python Pool.map',
    () => python('map'),
  ],
  [
    'one task per message',
    'task-farm probe --chunk 1',
    () => taskFarm(1),
    'python apply_async',
    () => python('apply_async'),
  ],
]
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const rate = (runs, key) => count / median(runs.map((r) => r[key]))
console.log(`Tiny tasks: ${count.toLocaleString()} tasks, ${workers} workers, ${rounds} alternating rounds, medians`)
console.log('(work: inside the process, from job start to end; whole: the whole command, process start included)')
for (const [title, oursName, ours, peerName, peer] of pairs) {
  const a = []
  const b = []
  for (let round = 0; round < rounds; round++) {
    a.push(ours())
    b.push(peer())
  }
  console.log(`\n${title}`)
  for (const [name, runs] of [
    [oursName, a],
    [peerName, b],
  ]) {
    console.log(
      `  ${name.padEnd(30)} ${Math.round(rate(runs, 'inside')).toLocaleString().padStart(12)} tasks/s work ${Math.round(rate(runs, 'wall')).toLocaleString().padStart(10)} tasks/s whole`,
    )
  }
  console.log(
    `  task-farm ÷ ${peerName}: ${(rate(a, 'inside') / rate(b, 'inside')).toFixed(2)}× (work), ${(rate(a, 'wall') / rate(b, 'wall')).toFixed(2)}× (whole command)`,
  )
  tableRow(
    peerName === 'python Pool.map' ? 2 : 3,
    `${count.toLocaleString()} probe tasks, ${peerName === 'python Pool.map' ? `chunks of ${chunk.toLocaleString()}` : 'one per unit'}`,
    `python ${peerName.replace('python ', '')}`,
    `${(rate(a, 'wall') / rate(b, 'wall')).toFixed(2)}× its speed (whole command; ${(rate(a, 'inside') / rate(b, 'inside')).toFixed(2)}× work)`,
  )
}
console.log('\n(above 1× means Task Farm does more tasks per second than the peer)')
