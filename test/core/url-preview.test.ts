import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createApiHandlers } from '../../src/core/api-handlers'
import { parseExtractRule } from '../../src/shared/kinds/extract-rules'
import type { ExtractRule, UrlResult } from '../../src/shared/kinds/urls'
import { startPoliteFixture } from '../fixtures/polite-fixture-server'
import { openTestFarm } from '../support/test-farm'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const rules = ['price=css:.price', 'sku=css:.price@data-sku', 'missing=css:table td', 'eur=regex:(\\d+) EUR'].map(
  (text) => parseExtractRule(text) as ExtractRule,
)

describe('urls.preview through the contract', () => {
  it("gives one page's values, the same as the job's row for that page", async () => {
    const site = await startPoliteFixture()
    cleanups.push(() => site.close())
    const t = openTestFarm()
    cleanups.push(async () => {
      await t.farm.shutdown('now')
      t.dir.remove()
    })
    const api = createApiHandlers(t.farm)
    const url = `${site.baseUrl}/x/0`
    const preview = await api.handle('urls.preview', { url, extract: rules }, 'page')
    expect(preview).toEqual({
      status: 200,
      finalUrl: url,
      values: { price: '12.50 EUR', sku: 'A-1', missing: null, eur: '50' },
    })
    const id = await t.farm.create({ kind: 'urls', input: { type: 'text', text: url }, extract: rules })
    await t.farm.waitForEnd(id)
    const row = t.farm.store.items(id, { limit: 1, offset: 0 }).items[0]!.result as UrlResult
    expect(row.extracted).toEqual(preview.values)
    // The results table's search finds a page by its own columns' values.
    expect(t.farm.store.items(id, { text: '12.50', limit: 10, offset: 0 }).total).toBe(1)
    expect(t.farm.store.items(id, { text: 'B-2', limit: 10, offset: 0 }).total).toBe(0)
  })

  it('says in one sentence what is wrong with a rule or a page it cannot reach', async () => {
    const t = openTestFarm()
    cleanups.push(async () => {
      await t.farm.shutdown('now')
      t.dir.remove()
    })
    const api = createApiHandlers(t.farm)
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const refused = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`
    await new Promise((resolve) => closed.close(resolve))
    await expect(
      api.handle('urls.preview', { url: refused, extract: [{ name: 'x', type: 'regex', pattern: '(' }] }),
    ).rejects.toThrow(/^The pattern of x \("\("\) is not a valid regular expression/)
    await expect(
      api.handle('urls.preview', { url: refused, extract: [{ name: 'x', type: 'css', pattern: 'p' }] }),
    ).rejects.toThrow(`The page ${refused} could not be fetched (ECONNREFUSED).`)
  })
})
