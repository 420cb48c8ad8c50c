// What the window costs while a big job runs: events per second reaching the page, the longest
// main-thread task in the page, and the host's event-loop lag. Then the cost of showing the job's
// 50,000-row file table. Prints figures; asserts nothing.
//
// With `--baseline REV`, the window of that git revision watches the same copy on a farm of its
// own at the same time, so both pages' long tasks are measured under the same load.
//
//   node scripts/build-node.mjs && node bench/ui/measure-ui.mjs [files=50000] [--baseline main]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { build } from 'vite'
import { buildRendererAt, takeBaselineArg } from './baseline-renderer.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const args = process.argv.slice(2)
const baseline = takeBaselineArg(args)
const fileCount = Number(args[0] ?? 50_000)
const perFolder = 250

await build({ configFile: join(root, 'vite.renderer.config.ts'), logLevel: 'warn' })
const { serveFarm } = await import(join(root, 'out/node/host.js'))

const dir = await mkdtemp(join(tmpdir(), 'tf-ui-bench-'))
const source = join(dir, 'source')
process.stdout.write(`making ${fileCount} files… `)
for (let folder = 0; folder * perFolder < fileCount; folder++) {
  const path = join(source, `folder-${String(folder).padStart(4, '0')}`)
  await mkdir(path, { recursive: true })
  const writes = []
  for (let i = folder * perFolder; i < Math.min(fileCount, (folder + 1) * perFolder); i++)
    writes.push(writeFile(join(path, `file-${i}.txt`), `file ${i}\n`))
  await Promise.all(writes)
}
console.log('done')

const served = await serveFarm({ dbPath: join(dir, 'history.sqlite'), token: 'bench' })
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-gpu',
    '--disable-component-update',
    '--no-first-run',
  ],
})
const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
/* global window */
const watchLongTasks = () => {
  const w = /** @type {any} */ (window)
  w.__longTasks = []
  new PerformanceObserver((list) =>
    list.getEntries().forEach((e) => w.__longTasks.push({ at: e.startTime, ms: e.duration })),
  ).observe({
    type: 'longtask',
    buffered: true,
  })
}
await page.addInitScript(watchLongTasks)
const frames = { all: 0, updated: new Map(), log: 0 }
page.on('websocket', (ws) =>
  ws.on('framereceived', ({ payload }) => {
    frames.all++
    const message = JSON.parse(String(payload))
    if (message.event === 'job.updated')
      frames.updated.set(message.payload.id, (frames.updated.get(message.payload.id) ?? 0) + 1)
    if (message.event === 'job.log') frames.log++
  }),
)
await page.goto(served.host.url + '#/jobs')
await page.getByText('Connected to farm').waitFor()

/** A farm serving the baseline's window, whose page watches its own copy of the same tree. */
async function watchBaseline() {
  const rendererDir = await buildRendererAt(root, baseline, join(dir, 'baseline-renderer'))
  const other = await serveFarm({ dbPath: join(dir, 'baseline.sqlite'), token: 'bench', rendererDir })
  const otherPage = await browser.newPage({ viewport: { width: 1360, height: 860 } })
  await otherPage.addInitScript(watchLongTasks)
  await otherPage.goto(other.host.url + '#/jobs')
  await otherPage.getByText('Connected to farm').waitFor()
  return {
    served: other,
    async run() {
      await otherPage.evaluate(() => window.__longTasks.splice(0))
      const id = await other.farm.create({ kind: 'copy', sources: [source], destination: join(dir, 'baseline-copy') })
      await otherPage.goto(other.host.url + `#/jobs/${id}`)
      const since = await otherPage.evaluate(() => performance.now())
      await other.farm.waitForEnd(id)
      return { tasks: await otherPage.evaluate(() => window.__longTasks.splice(0)), since }
    },
  }
}

const takeLongTasks = () => page.evaluate(() => (window.__longTasks ?? []).splice(0))
const summarise = (tasks, since = 0) =>
  `${tasks.length} over 50 ms, longest ${tasks.length ? Math.max(...tasks.map((t) => t.ms)).toFixed(0) : 0} ms` +
  (since && tasks.length
    ? ` (at ${tasks.map((t) => `${((t.at - since) / 1000).toFixed(1)} s`).join(', ')} into the job)`
    : '')
await takeLongTasks()

const lag = monitorEventLoopDelay({ resolution: 10 })
lag.enable()
const other = baseline ? await watchBaseline() : null
const jobId = await served.farm.create({ kind: 'copy', sources: [source], destination: join(dir, 'destination') })
await page.goto(served.host.url + `#/jobs/${jobId}`)
const pageStart = await page.evaluate(() => performance.now())
const started = Date.now()
const otherEnd = other?.run()
const end = await served.farm.waitForEnd(jobId)
const otherTasks = other ? await otherEnd : null
const seconds = (Date.now() - started) / 1000
lag.disable()
const copyTasks = await takeLongTasks()
const ms = (ns) => (ns / 1e6).toFixed(1)

console.log(
  `\ncopy of ${fileCount} files with the job's page open: ${end.state} in ${seconds.toFixed(1)} s (${(fileCount / seconds).toFixed(0)} files/s)`,
)
console.log(`  WebSocket messages to the page: ${(frames.all / seconds).toFixed(1)}/s in all`)
console.log(
  `  job.updated for the job:        ${((frames.updated.get(jobId) ?? 0) / seconds).toFixed(1)}/s (goal ≤ 20)`,
)
console.log(`  job.log batches:                ${(frames.log / seconds).toFixed(1)}/s`)
console.log(`  page main thread:               ${summarise(copyTasks, pageStart)} (goal: none over 50 ms)`)
if (otherTasks) console.log(`  ${baseline}'s page, same copy at once: ${summarise(otherTasks.tasks, otherTasks.since)}`)
console.log(
  `  host event-loop lag:            p50 ${ms(lag.percentile(50))} ms, p99 ${ms(lag.percentile(99))} ms, max ${ms(lag.max)} ms (goal p99 < 50 ms)`,
)

// The Files tab loads every row (in pages of 10,000) into a virtual table, then is scrolled.
const loadStart = Date.now()
await page.locator('.n-tabs-tab', { hasText: 'Files' }).click()
const rowCount = page.getByText(/^[\d,]+ rows$/)
await rowCount.waitFor({ timeout: 120_000 })
await page.locator('[data-testid=items-table] .n-data-table-tr').nth(2).waitFor()
const loadSeconds = (Date.now() - loadStart) / 1000
const loadTasks = await takeLongTasks()
const body = page
  .locator(
    '[data-testid=items-table] .n-data-table-base-table-body .n-scrollbar-container, [data-testid=items-table] .v-vl',
  )
  .first()
await body.hover()
for (let i = 0; i < 40; i++) {
  await page.mouse.wheel(0, 2400)
  await page.waitForTimeout(16)
}
const scrollTasks = await takeLongTasks()
console.log(
  `\nfile table (${await rowCount.textContent()}): shown in ${loadSeconds.toFixed(1)} s; loading: ${summarise(loadTasks)}; scrolling 40 wheel turns: ${summarise(scrollTasks)}`,
)

await browser.close()
await served.close()
await other?.served.close()
await rm(dir, { recursive: true, force: true })
