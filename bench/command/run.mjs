// Command and module jobs against their peers, in one run, alternating rounds, medians of the whole
// command's wall time: `task-farm run --jobs 2 -- true` over 2,000 inputs against GNU parallel -j2 and
// xargs -P2, and `task-farm map` of a squaring module over 200,000 numbers, and of a module taking the
// length of 200,000 file names (text inputs), against Python's Pool.map.
// `node bench/command/run.mjs` (after `npm run build:node`); BENCH_RUNS, BENCH_NUMBERS, BENCH_ROUNDS.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tableRow } from '../table-row.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 2000)
const numbers = Number(process.env.BENCH_NUMBERS ?? 200_000)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const dir = mkdtempSync(join(tmpdir(), 'tf-bench-command-'))
const inputs = join(dir, 'inputs.txt')
const numbersFile = join(dir, 'numbers.txt')
const square = join(dir, 'square.mjs')
const namesFile = join(dir, 'names.txt')
const length = join(dir, 'length.mjs')
writeFileSync(inputs, Array.from({ length: runs }, (_, i) => String(i + 1)).join('\n') + '\n')
writeFileSync(numbersFile, Array.from({ length: numbers }, (_, i) => String(i + 1)).join('\n') + '\n')
writeFileSync(square, 'export default (n) => n * n\n')
writeFileSync(namesFile, Array.from({ length: numbers }, (_, i) => `/srv/data/file-${i + 1}.txt`).join('\n') + '\n')
writeFileSync(length, 'export default (name) => name.length\n')

let jobDb = 0
function timed(command, args, options = {}) {
  const started = process.hrtime.bigint()
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options })
  const wall = Number(process.hrtime.bigint() - started) / 1e9
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  return wall
}
const taskFarm = (...args) =>
  timed(process.execPath, [join(root, 'bin/task-farm.js'), '--db', join(dir, `h${jobDb++}.sqlite`), ...args])
const available = (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0

const contests = [
  {
    title: `${runs.toLocaleString()} runs of \`true\`, 2 at once`,
    entrants: [
      ['task-farm run --jobs 2', () => taskFarm('run', '--jobs', '2', '--input', inputs, '--', 'true')],
      available('parallel') && ['parallel -j2', () => timed('parallel', ['-j2', '-a', inputs, 'true'])],
      ['xargs -P2 -n1', () => timed('sh', ['-c', `xargs -P2 -n1 true < ${inputs}`])],
    ].filter(Boolean),
  },
  {
    title: `map a squaring function over ${numbers.toLocaleString()} numbers, 2 workers`,
    entrants: [
      ['task-farm map', () => taskFarm('map', square, '--input', numbersFile, '--workers', '2')],
      ['python Pool.map', () => timed('python3', [join(root, 'bench/command/python_map.py'), String(numbers), '2'])],
    ],
  },
  {
    title: `map a function over ${numbers.toLocaleString()} file names (text inputs), 2 workers`,
    entrants: [
      ['task-farm map', () => taskFarm('map', length, '--input', namesFile, '--workers', '2')],
      [
        'python Pool.map',
        () => timed('python3', [join(root, 'bench/command/python_map.py'), String(numbers), '2', 'text']),
      ],
    ],
  },
]

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`Command and module jobs: ${rounds} alternating rounds, medians of the whole command's wall time`)
try {
  for (const { title, entrants } of contests) {
    const times = entrants.map(() => [])
    for (let round = 0; round < rounds; round++) entrants.forEach(([, run], i) => times[i].push(run()))
    console.log(`\n${title}`)
    const ours = median(times[0])
    entrants.forEach(([name], i) => console.log(`  ${name.padEnd(26)} ${median(times[i]).toFixed(2).padStart(8)} s`))
    for (let i = 1; i < entrants.length; i++) {
      console.log(
        `  task-farm ÷ ${entrants[i][0]}: ${(median(times[i]) / ours).toFixed(2)}× (above 1×: Task Farm is faster)`,
      )
    }
    if (title.startsWith('map a squaring'))
      tableRow(
        1,
        `\`map\` squaring ${numbers.toLocaleString()} numbers, 2 workers`,
        'python Pool.map',
        `${(median(times[1]) / ours).toFixed(2)}× its speed (whole command)`,
      )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
