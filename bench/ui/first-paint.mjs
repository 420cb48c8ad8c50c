// What opening the window costs: the script it loads before the first paint, the first
// contentful paint of the served window, and the longest main-thread task when a job page is
// first opened from the Jobs view (as a person clicks a card). Medians of fresh pages.
// With `--baseline REV`, the renderer of that git revision is built too and measured in the same
// run, turn about with this one, so a loaded machine weighs on both alike. Prints figures;
// asserts nothing.
//
//   node scripts/build-node.mjs && node bench/ui/first-paint.mjs [runs=7] [--baseline main]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { build } from 'vite'
import { buildRendererAt, takeBaselineArg } from './baseline-renderer.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const args = process.argv.slice(2)
const baseline = takeBaselineArg(args)
const runs = Number(args[0] ?? 7)

await build({ configFile: join(root, 'vite.renderer.config.ts'), logLevel: 'warn' })
const { serveFarm } = await import(join(root, 'out/node/host.js'))
const dir = await mkdtemp(join(tmpdir(), 'tf-paint-bench-'))

const source = join(dir, 'source')
for (let folder = 0; folder < 8; folder++) {
  await mkdir(join(source, `f${folder}`), { recursive: true })
  for (let i = 0; i < 250; i++) await writeFile(join(source, `f${folder}`, `file-${i}.txt`), `file ${i}\n`)
}
const windows = [{ name: 'this tree', rendererDir: undefined }]
if (baseline)
  windows.push({ name: baseline, rendererDir: await buildRendererAt(root, baseline, join(dir, 'baseline-renderer')) })
for (const [i, w] of windows.entries()) {
  w.served = await serveFarm({ dbPath: join(dir, `history-${i}.sqlite`), token: 'bench', rendererDir: w.rendererDir })
  w.jobId = await w.served.farm.create({ kind: 'copy', sources: [source], destination: join(dir, `destination-${i}`) })
  await w.served.farm.waitForEnd(w.jobId)
  w.paints = []
  w.bytes = []
  w.tasks = []
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run'],
})
/* global window */
async function measure(w) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } })
  const page = await context.newPage()
  await page.addInitScript(() => {
    const tasks = []
    Object.assign(window, { __tasks: tasks })
    new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration))).observe({
      type: 'longtask',
      buffered: true,
    })
  })
  await page.goto(w.served.host.url + '#/jobs')
  await page.locator('[data-testid=job-card]').first().waitFor()
  const { fcp, bytes } = await page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0]
    const scripts = performance
      .getEntriesByType('resource')
      .filter((e) => e.name.endsWith('.js') && e.startTime < (paint?.startTime ?? Infinity))
    return { fcp: paint?.startTime ?? NaN, bytes: scripts.reduce((sum, e) => sum + e.decodedBodySize, 0) }
  })
  w.paints.push(fcp)
  w.bytes.push(bytes)
  await page.waitForTimeout(1500) // idle, as a person reads the list before clicking
  await page.evaluate(() => (window.__tasks.length = 0))
  await page.click(`[data-job-id="${w.jobId}"] .title`)
  await page.locator('[data-testid=job-title]').waitFor()
  await page.waitForTimeout(800)
  w.tasks.push(await page.evaluate(() => Math.max(0, ...window.__tasks)))
  await context.close()
}
for (let run = 0; run < runs; run++) for (const w of windows) await measure(w)

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
console.log(`${runs} fresh pages of the served window each (medians):`)
for (const w of windows)
  console.log(
    `  ${w.name.padEnd(10)} script before first paint ${(median(w.bytes) / 1024).toFixed(0).padStart(5)} KiB, ` +
      `first contentful paint ${median(w.paints).toFixed(0).padStart(5)} ms, ` +
      `longest task opening a job page ${median(w.tasks).toFixed(0).padStart(4)} ms (0: none over 50 ms)`,
  )
if (windows.length === 2) {
  const [now, then] = windows
  console.log(
    `  ratio (this tree / ${then.name}): script ${(median(now.bytes) / median(then.bytes)).toFixed(2)}×, ` +
      `first paint ${(median(now.paints) / median(then.paints)).toFixed(2)}×`,
  )
}

await browser.close()
for (const w of windows) await w.served.close()
await rm(dir, { recursive: true, force: true })
