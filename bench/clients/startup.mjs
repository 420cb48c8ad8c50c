// How fast `task-farm` starts: `--help` and `jobs` against a bare `node -e 0`, alternating runs,
// medians and ratios. Every command is loaded only when it runs, so `--help` loads none of them.
// Run with `npm run bench -- startup` (after `npm run build:node`).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tableRow } from '../table-row.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const rounds = Number(process.env.BENCH_ROUNDS ?? 15)
const dir = mkdtempSync(join(tmpdir(), 'tf-bench-start-'))
const db = join(dir, 'history.sqlite')
const bin = join(root, 'bin/task-farm.js')
const timed = (args) => {
  const started = process.hrtime.bigint()
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}
try {
  timed([bin, '--db', db, 'probe', '--count', '1'])
  const cases = [
    ['node -e 0', ['-e', '0']],
    ['task-farm --help', [bin, '--help']],
    ['task-farm jobs', [bin, '--db', db, 'jobs']],
    // A whole job: open the history, fork the workers, plan, run one unit, record it, shut down.
    ['probe --count 1', [bin, '--db', db, 'probe', '--count', '1']],
  ]
  const times = cases.map(() => [])
  for (let round = 0; round < rounds; round++) cases.forEach(([, args], i) => times[i].push(timed(args)))
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const base = median(times[0])
  console.log(`Start-up, ${rounds} alternating rounds, medians (2-core machine shared with other work: rough)`)
  cases.forEach(([name], i) =>
    console.log(
      `  ${name.padEnd(18)} ${median(times[i]).toFixed(0).padStart(5)} ms   ${(median(times[i]) / base).toFixed(2)}× node -e 0`,
    ),
  )
  const probe = median(times[3])
  tableRow(
    4,
    '`probe --count 1`, whole command',
    '`node -e 0`',
    `${(probe / base).toFixed(1)}× as long (${(probe / 1000).toFixed(2)} s)`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
