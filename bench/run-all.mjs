// Runs every benchmark in bench/, one after another, each printing its figures and ratios against its
// peers. `npm run bench` (all), or `npm run bench -- pool urls` (some). Needs `npm run build` first for the
// UI one (it serves the built window), python3 for the Python peers, rsync and curl for theirs.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const benches = {
  pool: 'pool/run.mjs',
  urls: 'urls/run.mjs',
  command: 'command/run.mjs',
  copy: 'copy/run.mjs',
  ui: 'ui/measure-ui.mjs',
  clients: 'clients/run.mjs',
  startup: 'clients/startup.mjs',
}
const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !(name in benches))
if (unknown.length) {
  console.error(`Unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(benches).join(', ')}.`)
  process.exit(2)
}
let failed = 0
for (const [name, script] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue
  console.log(`\n=== bench/${name} ===`)
  const run = spawnSync(process.execPath, [here + script], { stdio: 'inherit' })
  if (run.status !== 0) {
    failed++
    console.log(`bench/${name} ended with code ${run.status ?? run.signal}`)
  }
}
process.exit(failed ? 1 : 0)
