import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { urlsSpecSchema, type UrlsSpec } from '../../../../src/shared/kinds/urls'
import { urlsHandler } from '../../../../src/workers/kinds/urls'
import { startPoliteFixture, type PoliteFixture } from '../../../fixtures/polite-fixture-server'
import { fakePlanContext } from './fake-contexts'

let site: PoliteFixture
let dir: string
beforeAll(async () => {
  site = await startPoliteFixture()
  dir = mkdtempSync(join(tmpdir(), 'tf-sitemap-'))
})
afterAll(async () => {
  await site.close()
  rmSync(dir, { recursive: true, force: true })
})

const plan = async (source: string) => {
  const { ctx, items, logs } = fakePlanContext()
  const spec: UrlsSpec = urlsSpecSchema.parse({ kind: 'urls', input: { type: 'sitemap', source }, timeoutMs: 5000 })
  const summary = await urlsHandler.plan(spec, ctx)
  return { keys: items.map((i) => i.key), logs, summary }
}

describe('urls --sitemap', () => {
  it("reads a sitemap index's sitemaps, gzipped or not, each page once", async () => {
    const { keys, summary } = await plan(`${site.baseUrl}/sitemap-index.xml`)
    expect(keys).toEqual(['/p/1', '/p/2', '/p/3', '/p/4', '/p/5&x=1'].map((p) => site.baseUrl + p))
    expect(summary).toMatchObject({ facts: { valid: 5, duplicates: 1 } })
  })

  it('reads a gzipped sitemap file, and skips a nested sitemap it cannot read with a warning', async () => {
    const file = join(dir, 'sitemap.xml.gz')
    writeFileSync(
      file,
      gzipSync(
        `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` +
          `<sitemap><loc>${site.baseUrl}/sitemap-a.xml</loc></sitemap>` +
          `<sitemap><loc>${site.baseUrl}/missing.xml</loc></sitemap></sitemapindex>`,
      ),
    )
    const { keys, logs } = await plan(file)
    expect(keys).toEqual(['/p/1', '/p/2', '/p/3'].map((p) => site.baseUrl + p))
    expect(logs.map((l) => l.message).join('\n')).toMatch(/missing\.xml is not a sitemap.*skipped/)
  })

  it('refuses a source that is not a sitemap in one sentence', async () => {
    const file = join(dir, 'page.html')
    writeFileSync(file, '<html><body>hello</body></html>')
    await expect(plan(file)).rejects.toThrow(/^.*page\.html is not a sitemap \(no <urlset> or <sitemapindex>\)\.$/)
    await expect(plan(join(dir, 'none.xml'))).rejects.toThrow(/The sitemap .*none\.xml does not exist\./)
  })
})
