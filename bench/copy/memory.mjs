// Memory of a large copy: `task-farm copy` of 300,000 files of 1 KiB (tree c), tmpfs to tmpfs, with
// every process of the farm (the CLI, which is the farmer, and its workers) sampled every 0.3 s for
// its resident memory, and the history's size on disk after the command has exited (WAL included:
// a clean exit checkpoints it). Issue 21's goals: every process < 150 MB, < 100 bytes per file.
//
// Usage: node scripts/build-node.mjs && node bench/copy/memory.mjs     BENCH_MEMORY_SCALE=1 (share of 300,000)
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tableRow } from '../table-row.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..')
const SCALE = Number(process.env.BENCH_MEMORY_SCALE ?? '1')
const SAMPLE_MS = 300

if (process.platform !== 'linux') {
  console.log('The memory benchmark reads /proc: Linux only.')
  process.exit(0)
}

/** A tmpfs of our own where we may mount one (root), else a folder in /dev/shm. */
function tmpfsPlace() {
  const dir = join(root, 'bench/.work/memory')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4g', 'tmpfs', dir], { stdio: 'pipe' })
    return { dir, remove: () => (execFileSync('umount', [dir]), rmSync(dir, { recursive: true, force: true })) }
  } catch {
    rmSync(dir, { recursive: true, force: true })
    const shm = `/dev/shm/tf-bench-memory-${process.pid}`
    mkdirSync(shm)
    return { dir: shm, remove: () => rmSync(shm, { recursive: true, force: true }) }
  }
}

/** Every process below `pid` (its children, theirs…), from /proc. */
function descendants(pid) {
  const parents = new Map()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      // Field 4 (ppid) comes after the command name, which is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(Number(name), ppid)
    } catch {
      // Gone meanwhile.
    }
  }
  const out = []
  const walk = (p) => {
    for (const [child, parent] of parents) {
      if (parent !== p) continue
      out.push(child)
      walk(child)
    }
  }
  walk(pid)
  return out
}

/** Resident memory in bytes, or null once the process is gone. */
function rssOf(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}

const place = tmpfsPlace()
try {
  const src = join(place.dir, 'tree-c')
  const dst = join(place.dir, 'dst')
  const db = join(place.dir, 'history.sqlite')
  const made = execFileSync(process.execPath, [join(here, 'make-tree.mjs'), src, 'c', String(SCALE)])
    .toString()
    .trim()
  const files = Number(made.split(' ')[0])
  const started = Date.now()
  const cli = join(root, 'bin/task-farm.js')
  const child = spawn(process.execPath, [cli, '--db', db, 'copy', src, dst, '--workers', '2'], { stdio: 'ignore' })
  const peaks = new Map() // pid -> { role, peak }
  const sample = () => {
    const farmer = rssOf(child.pid)
    if (farmer !== null) {
      const entry = peaks.get(child.pid) ?? { role: 'farmer (the CLI)', peak: 0 }
      entry.peak = Math.max(entry.peak, farmer)
      peaks.set(child.pid, entry)
    }
    for (const pid of descendants(child.pid)) {
      const rss = rssOf(pid)
      if (rss === null) continue
      const entry = peaks.get(pid) ?? { role: `worker ${pid}`, peak: 0 }
      entry.peak = Math.max(entry.peak, rss)
      peaks.set(pid, entry)
    }
  }
  const timer = setInterval(sample, SAMPLE_MS)
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? signal)))
  clearInterval(timer)
  const seconds = (Date.now() - started) / 1000
  if (code !== 0) throw new Error(`task-farm copy ended with ${code}`)
  const historyBytes = ['', '-wal', '-shm', '-journal']
    .map((suffix) => db + suffix)
    .filter((path) => existsSync(path))
    .reduce((sum, path) => sum + statSync(path).size, 0)
  const MB = (bytes) => (bytes / 1e6).toFixed(0)
  console.log(`copy of ${made} (tmpfs), 2 workers: ${seconds.toFixed(1)} s`)
  const rows = [...peaks.values()].sort((a, b) => b.peak - a.peak)
  for (const { role, peak } of rows) console.log(`  peak RSS ${MB(peak).padStart(5)} MB   ${role}`)
  const perFile = historyBytes / files
  console.log(`  history on disk after exit: ${MB(historyBytes)} MB, ${perFile.toFixed(0)} bytes per file`)
  const farmerPeak = peaks.get(child.pid)?.peak ?? 0
  const workerPeak = Math.max(0, ...rows.filter((r) => r.role.startsWith('worker')).map((r) => r.peak))
  tableRow(
    7,
    `copy ${files.toLocaleString('en-US')} files of 1 KiB`,
    '—',
    `peak RSS ${MB(farmerPeak)} MB farmer, ${MB(workerPeak)} MB largest worker; history ${perFile.toFixed(0)} B per file`,
  )
} finally {
  place.remove()
}
