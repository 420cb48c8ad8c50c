// Runs every benchmark in bench/, one after another, each printing its figures and ratios against its
// peers, then the table of issue 21 (every row a benchmark measured, with its peer) from their marked
// lines. `npm run bench` (all), or `npm run bench -- pool urls` (some). Needs `npm run build` first for the
// UI one (it serves the built window), python3 for the Python peers, rsync and curl for theirs.
// Task Farm runs as its users run it: `bin/task-farm.js` (the `task-farm` command), which keeps Node's
// compiled code between runs (`module.enableCompileCache`), as every later run of a user's does.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { ROW_MARK } from './table-row.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const benches = {
  pool: 'pool/run.mjs',
  urls: 'urls/run.mjs',
  command: 'command/run.mjs',
  copy: 'copy/run.mjs',
  memory: 'copy/memory.mjs',
  ui: 'ui/measure-ui.mjs',
  clients: 'clients/run.mjs',
  startup: 'clients/startup.mjs',
  remote: 'remote/run.mjs',
}
const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !(name in benches))
if (unknown.length) {
  console.error(`Unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(benches).join(', ')}.`)
  process.exit(2)
}
let failed = 0
const rows = []
/** Runs one benchmark, passing its output on and keeping its table rows. */
function run(script) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [here + script], { stdio: ['inherit', 'pipe', 'inherit'] })
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(ROW_MARK)) rows.push(JSON.parse(line.slice(ROW_MARK.length)))
      else console.log(line)
    })
    child.on('close', (code, signal) => resolve(code ?? signal))
  })
}
for (const [name, script] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue
  console.log(`\n=== bench/${name} ===`)
  const status = await run(script)
  if (status !== 0) {
    failed++
    console.log(`bench/${name} ended with code ${status}`)
  }
}
if (rows.length) {
  console.log('\n=== the table (issue 21): every row measured in this run ===\n')
  console.log('| work | peer | Task Farm |\n|---|---|---|')
  for (const row of rows.sort((a, b) => a.order - b.order)) console.log(`| ${row.work} | ${row.peer} | ${row.figure} |`)
}
process.exit(failed ? 1 : 0)
