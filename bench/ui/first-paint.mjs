// What opening the window costs: the script it loads before the first paint, the first
// contentful paint of the served window, and the longest main-thread task when a job page is
// first mounted (from the Jobs view, as a person clicks a card). Medians of several fresh pages.
// Prints figures; asserts nothing.
//
//   node scripts/build-node.mjs && node bench/ui/first-paint.mjs [runs=7]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { build } from 'vite'

const root = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(process.argv[2] ?? 7)

await build({ configFile: join(root, 'vite.renderer.config.ts'), logLevel: 'warn' })
const { serveFarm } = await import(join(root, 'out/node/host.js'))

const dir = await mkdtemp(join(tmpdir(), 'tf-paint-bench-'))
const source = join(dir, 'source')
for (let folder = 0; folder < 8; folder++) {
  await mkdir(join(source, `f${folder}`), { recursive: true })
  for (let i = 0; i < 250; i++) await writeFile(join(source, `f${folder}`, `file-${i}.txt`), `file ${i}\n`)
}
const served = await serveFarm({ dbPath: join(dir, 'history.sqlite'), token: 'bench' })
const copyId = await served.farm.create({ kind: 'copy', sources: [source], destination: join(dir, 'destination') })
await served.farm.waitForEnd(copyId)

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run'],
})
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const paints = []
const scriptBytes = []
const mountTasks = []
for (let run = 0; run < runs; run++) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } })
  const page = await context.newPage()
  /* global window, document, performance, PerformanceObserver */
  await page.addInitScript(() => {
    const w = /** @type {any} */ (window)
    w.__tasks = []
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__tasks.push(e.duration))).observe({
      type: 'longtask',
      buffered: true,
    })
  })
  await page.goto(served.host.url + '#/jobs')
  await page.locator('[data-testid=job-card]').first().waitFor()
  const { fcp, bytes } = await page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0]
    const scripts = performance
      .getEntriesByType('resource')
      .filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'))
      .filter((e) => e.startTime < (paint?.startTime ?? Infinity))
    return { fcp: paint?.startTime ?? NaN, bytes: scripts.reduce((sum, e) => sum + e.decodedBodySize, 0) }
  })
  paints.push(fcp)
  scriptBytes.push(bytes)
  await page.waitForTimeout(500)
  await page.evaluate(() => (window.__tasks.length = 0))
  await page.click(`[data-job-id="${copyId}"] .title`)
  await page.locator('[data-testid=job-title]').waitFor()
  await page.waitForTimeout(500)
  mountTasks.push(await page.evaluate(() => Math.max(0, ...window.__tasks)))
  await context.close()
}
console.log(`${runs} fresh pages of the served window (medians):`)
console.log(`  script loaded before the first paint: ${(median(scriptBytes) / 1024).toFixed(0)} KiB`)
console.log(`  first contentful paint:               ${median(paints).toFixed(0)} ms`)
console.log(
  `  longest task opening a job page:      ${median(mountTasks).toFixed(0)} ms (0 = none over 50 ms; goal: none)`,
)

await browser.close()
await served.close()
await rm(dir, { recursive: true, force: true })
