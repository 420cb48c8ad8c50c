import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { expectedCrawl, startCrawlSite, type CrawlSite } from '../fixtures/crawl-fixture-site'
import { testRedisServer } from '../support/suite-requirements'
import { RemoteBed, TestRedis, exportedRows } from './remote-support'

/**
 * A crawl's pages find pages, which remote hosts do not report: its tasks stay on the farm's own
 * workers while a remote host of the same pool takes the other URL jobs' batches.
 */
describe.skipIf(!testRedisServer())('a crawl beside remote worker hosts', () => {
  let bed: RemoteBed
  let site: CrawlSite

  beforeAll(async () => {
    bed = new RemoteBed(await TestRedis.start())
    site = await startCrawlSite({ pages: 300 })
  })
  afterEach(() => bed.clear())
  afterAll(async () => {
    await bed?.redis.stop()
    await site?.close()
  })

  it('runs on local workers only: every page once, first try, while the host takes a list job', async () => {
    const [host] = bed.startHosts('alpha')
    const farm = await bed.openFarm(1)
    await bed.hostsRunning(1)
    const crawl = await farm.create({
      kind: 'urls',
      input: { type: 'crawl', url: `${site.baseUrl}/p/0` },
      concurrency: 16,
    })
    const list = Array.from({ length: 300 }, (_, i) => `${site.baseUrl}/p/${i}?list`)
    const listJob = await farm.create({ kind: 'urls', input: { type: 'text', text: list.join('\n') }, concurrency: 16 })
    const [crawlEnd, listEnd] = await Promise.all([farm.waitForEnd(crawl), farm.waitForEnd(listJob)])
    expect(listEnd).toMatchObject({ state: 'completed', itemsDone: 300 })
    const expected = expectedCrawl(300)
    expect(crawlEnd).toMatchObject({ state: 'completed', itemsTotal: expected.size, itemsDone: expected.size })
    for (let i = 0; i < 300; i++) expect(site.hits.get(`/p/${i}`), `/p/${i}`).toBe(1)
    // A crawl page taken by a remote host would have failed there and gone again (attempts 2).
    const rows = await exportedRows(farm.store, crawl, bed.dir)
    expect(rows.filter((row) => row.attempts !== 1)).toEqual([])
    expect(host!.output.join('')).not.toContain('needs a local worker')
  }, 180_000)
})
