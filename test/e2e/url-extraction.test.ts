import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterEach, describe, expect, it } from 'vitest'
import { exportJob } from '../../src/core/export-job'
import type { Farm } from '../../src/core/farm'
import { parseExtractRule } from '../../src/shared/kinds/extract-rules'
import type { ExtractRule, UrlResult } from '../../src/shared/kinds/urls'
import { launchChromium } from './e2e-support'
import { extractionPages, startPoliteFixture } from '../fixtures/polite-fixture-server'
import { testBrowser } from '../support/suite-requirements'
import { openTestFarm } from '../support/test-farm'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function farmForTest(): { farm: Farm; dir: string } {
  const t = openTestFarm()
  cleanups.push(async () => {
    await t.farm.shutdown('now')
    t.dir.remove()
  })
  return { farm: t.farm, dir: t.dir.path }
}

const ruleTexts = [
  'price=css:.price',
  'sku=css:.price@data-sku',
  'intro=css:p#intro',
  'next=css:a.next@href',
  'hit=css:ul > li.hit',
  'second=css:li:nth-child(2)',
  'author=css:meta[name=author]@content',
  'lang_attr=css:html@lang',
  'page_title=regex:<title>([^<]*)</title>',
  'eur=regex:\\d+ EUR',
]
const rules = ruleTexts.map((text) => parseExtractRule(text) as ExtractRule)

describe('extraction rules', () => {
  it('reads NAME=css:SELECTOR[@ATTR] and NAME=regex:PATTERN, and says in one sentence what is wrong', () => {
    expect(parseExtractRule('sku=css:.price@data-sku')).toEqual({
      name: 'sku',
      type: 'css',
      pattern: '.price',
      attr: 'data-sku',
    })
    expect(parseExtractRule('x=css:a[href$="@b"]')).toEqual({ name: 'x', type: 'css', pattern: 'a[href$="@b"]' })
    expect(parseExtractRule('bad=css:div[')).toMatch(/^The CSS selector of bad \("div\["\) is not valid: .+\.$/)
    expect(parseExtractRule('bad=regex:(')).toMatch(/^The pattern of bad \("\("\) is not a valid regular expression/)
    expect(parseExtractRule('no rule')).toMatch(/is not NAME=css:SELECTOR/)
  })

  it('refuses a job with a bad selector or a taken column name before it starts', async () => {
    const { farm } = farmForTest()
    const input = { type: 'text', text: 'http://127.0.0.1:9/' }
    await expect(
      farm.create({ kind: 'urls', input, extract: [{ name: 'x', type: 'css', pattern: 'div[' }] }),
    ).rejects.toThrow(/The CSS selector of x \("div\["\) is not valid/)
    await expect(
      farm.create({ kind: 'urls', input, extract: [{ name: 'title', type: 'css', pattern: 'h1' }] }),
    ).rejects.toThrow(/"title" is taken by a built-in column/)
  })
})

describe.skipIf(!testBrowser())('--extract against Chromium', { timeout: 120_000 }, () => {
  it("gives the values Chromium's querySelector gives on the same pages, in rows and exports", async () => {
    const site = await startPoliteFixture()
    cleanups.push(() => site.close())
    const urls = extractionPages.map((_, i) => `${site.baseUrl}/x/${i}`)
    const { farm, dir } = farmForTest()
    const id = await farm.create({ kind: 'urls', input: { type: 'text', text: urls.join('\n') }, extract: rules })
    expect(await farm.waitForEnd(id)).toMatchObject({ state: 'completed', itemsDone: urls.length })
    const rows = new Map(
      farm.store.items(id, { limit: 100, offset: 0 }).items.map((item) => [item.key, item.result as UrlResult]),
    )

    const browser = await launchChromium()
    cleanups.push(() => browser.close())
    const page = await browser.newPage()
    const expected = new Map<string, Record<string, string | null>>()
    for (const url of urls) {
      const response = await page.goto(url)
      const source = await response!.text()
      const values: Record<string, string | null> = {}
      for (const rule of rules) {
        if (rule.type === 'regex') {
          const match = new RegExp(rule.pattern).exec(source)
          values[rule.name] = match ? (match[1] ?? match[0]) : null
          continue
        }
        values[rule.name] = await page.evaluate(
          ({ selector, attr }) => {
            const element = document.querySelector(selector)
            if (!element) return null
            if (attr) return element.getAttribute(attr)
            return (element.textContent ?? '').replace(/\s+/g, ' ').trim()
          },
          { selector: rule.pattern, attr: rule.attr ?? null },
        )
      }
      expected.set(url, values)
    }
    for (const url of urls) expect(rows.get(url)!.extracted, url).toEqual(expected.get(url))
    // The oracle saw matches and misses both, or the comparison proves little.
    const all = [...expected.values()].flatMap((values) => Object.values(values))
    expect(all.filter((v) => v === null).length).toBeGreaterThan(2)
    expect(all.filter((v) => v !== null).length).toBeGreaterThan(15)

    const out = join(dir, 'rows.csv')
    await exportJob(farm.store, id, 'csv', out)
    const csv = parse<Record<string, string>>(readFileSync(out), { columns: true })
    expect(Object.keys(csv[0]!)).toEqual(expect.arrayContaining(rules.map((r) => r.name)))
    for (const row of csv)
      for (const rule of rules)
        expect(row[rule.name], `${row.url} ${rule.name}`).toBe(expected.get(row.url!)![rule.name] ?? '')
  })
})
