import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../src/core/farm'
import type { UrlResult } from '../../src/shared/kinds/urls'
import { busiestSecond, startPoliteFixture, type PoliteFixture } from '../fixtures/polite-fixture-server'
import { openTestFarm, until } from '../support/test-farm'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A farm whose network pool has two worker processes: one host's units run on both. */
function farmForTest(): Farm {
  const t = openTestFarm({ pools: { network: { size: 2, stopGraceMs: 1000 } } })
  cleanups.push(async () => {
    await t.farm.shutdown('now')
    t.dir.remove()
  })
  return t.farm
}

async function fixture(options: Parameters<typeof startPoliteFixture>[0]): Promise<PoliteFixture> {
  const site = await startPoliteFixture(options)
  cleanups.push(() => site.close())
  return site
}

const pages = (site: PoliteFixture, n: number): string =>
  Array.from({ length: n }, (_, i) => `${site.baseUrl}/p/${i}`).join('\n')

function rows(farm: Farm, id: number): UrlResult[] {
  return farm.store.items(id, { limit: 10_000, offset: 0 }).items.map((item) => item.result as UrlResult)
}

describe('polite crawling: one pace per host for every worker of the farm', { timeout: 120_000 }, () => {
  it('backs off when a host answers 429 above N requests a second, and fails no URL for it', async () => {
    const limit = 20
    const site = await fixture({ limitPerSecond: limit })
    const farm = farmForTest()
    const id = await farm.create({ kind: 'urls', input: { type: 'text', text: pages(site, 200) }, concurrency: 16 })
    let sawBackoff = false
    const watch = setInterval(() => {
      const host = farm.summary(id).hosts?.[0]
      if (host && host.backoffs > 0 && host.throttled > 0 && host.rate !== null) sawBackoff = true
    }, 50)
    const end = await farm.waitForEnd(id).finally(() => clearInterval(watch))
    expect(end).toMatchObject({ state: 'completed', itemsDone: 200, itemsFailed: 0 })
    // Every row is the page itself: a 429 was retried, never recorded as the URL's answer.
    expect(rows(farm, id).every((r) => r.status === 200 && r.errorClass === null)).toBe(true)
    expect(site.refusedAt.length).toBeGreaterThan(0)
    expect(sawBackoff).toBe(true)
    // After the first seconds' back-offs, the rate that reaches the host is below what it allows:
    // AIMD probes upward now and then (a window of N+1 earns one 429 and a cut), so the mean is
    // measured, and 429s become rare.
    const settled = site.arrivals[0]! + 4000
    const after = site.arrivals.filter((t) => t >= settled)
    const seconds = (after.at(-1)! - settled) / 1000
    expect(seconds).toBeGreaterThan(1)
    const refusedAfter = site.refusedAt.filter((t) => t >= settled).length
    console.log(
      `429 fixture (N=${limit}/s): ${site.arrivals.length} requests, ${site.refusedAt.length} refused; after 4 s: ` +
        `${(after.length / seconds).toFixed(1)}/s mean, busiest second ${busiestSecond(site.arrivals, settled)}, ${refusedAfter} refused`,
    )
    expect(after.length / seconds).toBeLessThan(limit)
    expect(refusedAfter).toBeLessThan(after.length / 10)
  })

  it('holds --rate 5/s across two workers, counted where the requests land', async () => {
    const site = await fixture({})
    const farm = farmForTest()
    const id = await farm.create({
      kind: 'urls',
      input: { type: 'text', text: pages(site, 30) },
      concurrency: 16,
      ratePerSecond: 5,
    })
    await until(() => (farm.summary(id).hosts?.[0]?.requests ?? 0) > 2, 'the first paced requests', 30_000)
    expect(farm.summary(id).hosts![0]).toMatchObject({ host: new URL(site.baseUrl).host, rate: 5, backoffs: 0 })
    const end = await farm.waitForEnd(id)
    expect(end).toMatchObject({ state: 'completed', itemsDone: 30 })
    expect(site.arrivals).toHaveLength(30)
    // One burst of tolerance: the first request of a window may come a little early.
    expect(busiestSecond(site.arrivals)).toBeLessThanOrEqual(6)
  })

  it("honours robots.txt's Crawl-delay", async () => {
    const site = await fixture({ crawlDelayS: 0.5 })
    const farm = farmForTest()
    const id = await farm.create({
      kind: 'urls',
      input: { type: 'text', text: pages(site, 6) },
      concurrency: 8,
      robots: true,
    })
    const end = await farm.waitForEnd(id)
    expect(end).toMatchObject({ state: 'completed', itemsDone: 6 })
    expect(busiestSecond(site.arrivals)).toBeLessThanOrEqual(3)
  })
})
