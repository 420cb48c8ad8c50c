// Copy benchmark: `task-farm copy` against `cp -a`, `rsync -a`, the seed-style Python Pool copier and
// a bare Node script, on generated trees, on a tmpfs (the software's own cost) and on disk with a
// `sync` at the end of every command (durable copies). Runs alternate; medians are compared.
//
// Usage: node scripts/build-node.mjs && node bench/copy/run.mjs
//   BENCH_SCALE=0.3   share of the issue's file counts (a: 40,000 small + 8 × 64 MiB; b: 50,000 tiny)
//   BENCH_ROUNDS=3    runs of each command per tree and place
//   BENCH_TREES=a,b   BENCH_PLACES=tmpfs,disk   BENCH_PEERS=cp,rsync,python,node,limit   BENCH_WORKERS=2
//   BENCH_BASELINE_CLI=/path/to/other/out/node/cli.js   also measure the farmer's CPU of another build
// "node limit" is node-limit-copy.mjs: a walk, then 2 processes copying halves, nothing else.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { tableRow } from '../table-row.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..')
const env = (name, fallback) => process.env[name] ?? fallback
const SCALE = Number(env('BENCH_SCALE', '0.3'))
const ROUNDS = Number(env('BENCH_ROUNDS', '3'))
const TREES = env('BENCH_TREES', 'a,b').split(',')
const PLACES = env('BENCH_PLACES', 'tmpfs,disk').split(',')
const PEERS = env('BENCH_PEERS', 'cp,rsync,python,node,limit').split(',')
const BASELINE = env('BENCH_BASELINE_CLI', '')
const WORKERS = env('BENCH_WORKERS', '2')
const node = process.execPath
const cli = join(root, 'bin/task-farm.js')

const work = join(root, 'bench/.work/copy')
rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })

/** A tmpfs of our own (root), else /dev/shm. */
function tmpfsPlace() {
  const dir = join(work, 'tmpfs')
  mkdirSync(dir)
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6g', 'tmpfs', dir], { stdio: 'pipe' })
    // Ctrl-C must not leave a 6 GiB tmpfs mounted under the repository.
    const onSignal = () => {
      execFileSync('umount', ['-l', dir])
      process.exit(130)
    }
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
    return {
      dir,
      unmount: () => {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
        execFileSync('umount', [dir])
      },
    }
  } catch {
    const shm = `/dev/shm/tf-bench-copy-${process.pid}`
    mkdirSync(shm)
    return { dir: shm, unmount: () => rmSync(shm, { recursive: true, force: true }) }
  }
}

let dbCount = 0
const runners = {
  'task-farm': (src, dst, place) => [
    node,
    cli,
    '--db',
    join(place, `history-${dbCount++}.sqlite`),
    'copy',
    src,
    dst,
    '--workers',
    WORKERS,
  ],
  'node bare': (src, dst) => [node, join(here, 'node-bare-copy.mjs'), src, join(dst, basename(src))],
  'node limit': (src, dst) => [node, join(here, 'node-limit-copy.mjs'), src, join(dst, basename(src)), WORKERS],
  'cp -a': (src, dst) => ['cp', '-a', src, `${dst}/`],
  'rsync -a': (src, dst) => ['rsync', '-a', src, `${dst}/`],
  'python Pool': (src, dst) => ['python3', join(here, 'seed_pool_copy.py'), src, join(dst, basename(src))],
}
const peerNames = { cp: 'cp -a', rsync: 'rsync -a', python: 'python Pool', node: 'node bare', limit: 'node limit' }
const chosen = ['task-farm', ...PEERS.map((p) => peerNames[p]).filter(Boolean)]

function timedRun(argv, durable) {
  const started = process.hrtime.bigint()
  execFileSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] })
  if (durable) execFileSync('sync')
  return Number(process.hrtime.bigint() - started) / 1e9
}

/**
 * One task-farm run with --json, to see where the time goes: start-up, first copied file, plan, copy;
 * and the farmer's own CPU time and peak memory (through farmer-cpu-hook.mjs).
 */
async function phases(src, dst, place, cliPath = cli) {
  const argv = runners['task-farm'](src, dst, place)
  argv[1] = cliPath
  const cpuFile = join(place, `farmer-${dbCount}.json`)
  const started = Date.now()
  const child = spawn(argv[0], ['--import', join(here, 'farmer-cpu-hook.mjs'), ...argv.slice(1), '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TF_FARMER_CPU_FILE: cpuFile },
  })
  const marks = {}
  for await (const line of createInterface({ input: child.stdout })) {
    const event = JSON.parse(line)
    const at = (Date.now() - started) / 1000
    // The job's first event: it exists and its plan went out.
    marks.created ??= at
    // The plan's note is logged when planning ends: "N files, …" for a tree planned whole, "Over N
    // entries: …" when its folders are listed as the copy goes. Progress events are throttled.
    if (event.event === 'log' && /^([\d,]+ files?, |Over [\d,]+ entries)/.test(event.message)) marks.planned ??= at
    if (event.event === 'progress' && event.itemsDone > 0) marks.firstDone ??= at
    if (event.event === 'end') marks.end = at
  }
  await new Promise((done) => (child.exitCode === null ? child.on('exit', done) : done()))
  return { ...marks, ...JSON.parse(readFileSync(cpuFile, 'utf8')) }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const pad = (s, n) => String(s).padEnd(n)
console.log(
  `copy benchmark: scale ${SCALE}, ${ROUNDS} rounds, task-farm with ${WORKERS} workers, load ${execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ')}`,
)

for (const placeName of PLACES) {
  const place = placeName === 'tmpfs' ? tmpfsPlace() : { dir: join(work, 'disk'), unmount: () => {} }
  mkdirSync(place.dir, { recursive: true })
  const durable = placeName === 'disk'
  try {
    for (const tree of TREES) {
      const src = join(place.dir, `tree-${tree}`)
      const made = execFileSync(node, [join(here, 'make-tree.mjs'), src, tree, String(SCALE)])
        .toString()
        .trim()
      if (durable) execFileSync('sync')
      const dst = join(place.dir, 'dst')
      const times = Object.fromEntries(chosen.map((name) => [name, []]))
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate the order each round so no command always runs first (or after the slowest).
        const order = chosen.map((_, i) => chosen[(i + round) % chosen.length])
        for (const name of order) {
          rmSync(dst, { recursive: true, force: true })
          mkdirSync(dst)
          if (durable) execFileSync('sync')
          times[name].push(timedRun(runners[name](src, dst, place.dir), durable))
          if (round === 0) {
            const find = [dst, '-type', 'f', '-not', '-name', '*.sqlite*', '-printf', '.']
            const count = execFileSync('find', find, { maxBuffer: 1 << 26 }).length
            if (!made.startsWith(`${count} files`))
              console.log(`  warning: ${name} left ${count} files (tree: ${made})`)
          }
        }
      }
      rmSync(dst, { recursive: true, force: true })
      mkdirSync(dst)
      const marks = await phases(src, dst, place.dir)
      rmSync(dst, { recursive: true, force: true })
      let baseline = null
      if (BASELINE) {
        mkdirSync(dst)
        baseline = await phases(src, dst, place.dir, BASELINE)
        rmSync(dst, { recursive: true, force: true })
      }

      console.log(`\n${placeName}${durable ? ' + sync' : ''}, tree ${tree}: ${made}`)
      const med = Object.fromEntries(chosen.map((name) => [name, median(times[name])]))
      for (const name of chosen)
        console.log(
          `  ${pad(name, 12)} median ${med[name].toFixed(2).padStart(6)} s   runs ${times[name].map((t) => t.toFixed(2)).join(' ')}`,
        )
      const ratio = (a, b) => (med[a] && med[b] ? `${(med[a] / med[b]).toFixed(2)}×` : 'n/a')
      console.log(
        `  task-farm / cp -a: ${ratio('task-farm', 'cp -a')}   task-farm / rsync -a: ${ratio('task-farm', 'rsync -a')}   task-farm / node bare: ${ratio('task-farm', 'node bare')}   task-farm / node limit: ${ratio('task-farm', 'node limit')}   python / task-farm: ${ratio('python Pool', 'task-farm')}`,
      )
      tableRow(
        5 + TREES.indexOf(tree) / 10,
        `copy ${made}${placeName ? ` (${placeName})` : ''}`,
        'Node limit; `cp -a`',
        `${ratio('task-farm', 'node limit')} the limit; ${ratio('task-farm', 'cp -a')} \`cp -a\``,
      )
      const files = Number(made.split(' ')[0])
      const farmer = (m) =>
        `${((m.cpuMs / files) * 10_000).toFixed(1)} ms CPU per 10,000 files, peak RSS ${(m.maxRss / 2 ** 20).toFixed(0)} MiB`
      console.log(
        `  task-farm farmer: ${farmer(marks)}${baseline ? `; baseline build: ${farmer(baseline)} (${(baseline.cpuMs / marks.cpuMs).toFixed(1)}× as much)` : ''}`,
      )
      console.log(
        `  task-farm phases (one run with --json): started ${marks.created?.toFixed(2)} s, first done ${marks.firstDone?.toFixed(2)} s, planned ${marks.planned?.toFixed(2)} s, ended ${marks.end?.toFixed(2)} s`,
      )
      rmSync(src, { recursive: true, force: true })
    }
  } finally {
    place.unmount()
  }
}
rmSync(work, { recursive: true, force: true })
