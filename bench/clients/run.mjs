// One owner, many clients: 50 `task-farm` commands at once (submit with --detach, list, cancel) against
// one served farm, checking that no job is lost or doubled, with the owner's event-loop delay (p99)
// measured; then the control endpoint against its peer transport, the window's WebSocket: 50 clients
// of each making the same calls, calls per second and the owner's delay side by side.
// Run with `npm run bench -- clients` (after `npm run build:node`).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { setPriority, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { WebSocket } from 'ws'

const root = fileURLToPath(new URL('../..', import.meta.url))
const clients = Number(process.env.BENCH_CLIENTS ?? 50)
const callsEach = Number(process.env.BENCH_CALLS ?? 100)
const dir = mkdtempSync(join(tmpdir(), 'tf-bench-clients-'))
const db = join(dir, 'history.sqlite')
const { findOwner } = await import(join(root, 'out/node/host.js'))

const owner = spawn(process.execPath, [join(root, 'bench/clients/owner.mjs'), db], {
  stdio: ['pipe', 'pipe', 'inherit'],
})
const ownerLines = createInterface({ input: owner.stdout })[Symbol.asyncIterator]()
const nextLine = async () => JSON.parse((await ownerLines.next()).value)
const { port, token } = await nextLine()
// The clients (this process and the commands it starts) yield the CPU to the owner: on two cores, 50
// processes starting at once would otherwise measure the scheduler's queue, not the owner's own work.
try {
  setPriority(process.pid, 10)
} catch {
  // Not allowed here: the figures then include waiting for a core.
}
const lag = async (command) => (owner.stdin.write(`${command}\n`), command === 'report' ? nextLine() : null)

function cli(...args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/task-farm.js'), '--db', db, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => resolve({ code, out, err }))
  })
}
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9
const all = (n, run) => Promise.all(Array.from({ length: n }, (_, i) => run(i)))

try {
  await lag('reset')
  await new Promise((resolve) => setTimeout(resolve, 2000))
  const idleLag = await lag('report')
  await lag('reset')
  let started = process.hrtime.bigint()
  const submitted = await all(clients, () => cli('probe', '--count', '500', '--sleep-ms', '5', '--detach'))
  const submitTime = seconds(started)
  const ids = submitted.map((r) => Number(r.out.trim()))
  const failedSubmits = submitted.filter((r) => r.code !== 0)
  started = process.hrtime.bigint()
  const lists = await all(clients, () => cli('jobs', '--json', '--limit', '1000'))
  const listTime = seconds(started)
  const cancelled = ids.filter((_, i) => i % 2 === 0)
  started = process.hrtime.bigint()
  const cancels = await all(cancelled.length, (i) => cli('cancel', String(cancelled[i])))
  const cancelTime = seconds(started)
  await all(clients, (i) => cli('wait', String(ids[i])))
  const cliLag = await lag('report')

  const history = JSON.parse((await cli('jobs', '--json', '--limit', '1000')).out)
  const stored = history.jobs.map((j) => j.id)
  const unique = new Set(ids)
  console.log(
    `${clients} task-farm commands at once against one served farm (2-core machine, shared with other work: rough figures)`,
  )
  console.log(`  submit --detach: ${submitTime.toFixed(1)} s for all, ${failedSubmits.length} failed`)
  console.log(`  jobs --json:     ${listTime.toFixed(1)} s for all, ${lists.filter((r) => r.code !== 0).length} failed`)
  console.log(
    `  cancel:          ${cancelTime.toFixed(1)} s for ${cancelled.length}, ${cancels.filter((r) => r.code !== 0).length} refused (the job had ended)`,
  )
  console.log(
    `  jobs in the history: ${history.total}; ids returned: ${ids.length}, distinct: ${unique.size}; lost: ${ids.filter((id) => !stored.includes(id)).length}, unasked: ${stored.filter((id) => !unique.has(id)).length}`,
  )
  const states = history.jobs.reduce((n, j) => ((n[j.state] = (n[j.state] ?? 0) + 1), n), {})
  console.log(`  states at the end: ${JSON.stringify(states)}`)
  console.log(
    `  owner event-loop delay: p50 ${cliLag.p50} ms, p99 ${cliLag.p99} ms, max ${cliLag.max} ms (idle, before: p99 ${idleLag.p99} ms)`,
  )

  // The transports side by side: the same calls from 50 clients over each.
  const control = await all(clients, () => findOwner(db))
  const viaControl = (i) => (channel, request) => control[i].call(channel, request)
  const sockets = await all(clients, () => openSocket(port, token))
  const results = []
  for (const [name, calls] of [
    ['control endpoint', viaControl],
    ['WebSocket', (i) => sockets[i].call],
  ]) {
    await lag('reset')
    started = process.hrtime.bigint()
    await all(clients, async (i) => {
      for (let n = 0; n < callsEach; n++) await calls(i)('jobs.list', { limit: 20 })
    })
    const time = seconds(started)
    results.push({ name, rate: (clients * callsEach) / time, lag: await lag('report') })
  }
  console.log(`\n${clients} clients × ${callsEach} jobs.list calls each, over each transport`)
  for (const r of results)
    console.log(
      `  ${r.name.padEnd(17)} ${Math.round(r.rate).toLocaleString().padStart(8)} calls/s   owner delay p99 ${r.lag.p99} ms`,
    )
  console.log(`  control endpoint / WebSocket: ${(results[0].rate / results[1].rate).toFixed(2)}×`)
  control.forEach((c) => c.close())
  sockets.forEach((s) => s.close())
} finally {
  owner.stdin.write('stop\n')
  await new Promise((resolve) => owner.on('exit', resolve))
  rmSync(dir, { recursive: true, force: true })
}

async function openSocket(port, token) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { origin: `http://127.0.0.1:${port}` })
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const waiting = new Map()
  let next = 1
  ws.on('message', (data) => {
    const message = JSON.parse(String(data))
    if (message.type === 'result') waiting.get(message.id)?.(message)
  })
  return {
    call: (channel, request) =>
      new Promise((resolve) => {
        const id = next++
        waiting.set(id, resolve)
        ws.send(JSON.stringify({ id, channel, request }))
      }),
    close: () => ws.terminate(),
  }
}
