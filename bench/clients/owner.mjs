// The owner under test: `task-farm serve` as a library (the bundled host), with its event-loop delay
// measured. Commands on stdin: `reset` starts a new measurement, `report` prints it as one JSON line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const { serveFarm } = await import(join(root, 'out/node/host.js'))
const page = mkdtempSync(join(tmpdir(), 'tf-bench-page-'))
writeFileSync(join(page, 'index.html'), '<!doctype html><title>Task Farm</title>')
const served = await serveFarm({ dbPath: process.argv[2], rendererDir: page })
const lag = monitorEventLoopDelay({ resolution: 5 })
lag.enable()
console.log(JSON.stringify({ port: served.host.port, token: served.host.token }))
const ms = (ns) => Math.round(ns / 1e4) / 100
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'reset') lag.reset()
  if (line === 'report')
    console.log(JSON.stringify({ p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) }))
  if (line === 'stop') break
}
await served.close()
rmSync(page, { recursive: true, force: true })
process.exit(0)
