import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChangingSite, type ChangingSite } from '../fixtures/changing-site'
import { testBrowser } from '../support/suite-requirements'
import {
  accessibilityProblems,
  buildRenderer,
  callFromPage,
  launchChromium,
  startServe,
  watchConsole,
  type ServeProcess,
} from './e2e-support'

const token = 'e2e-compare-0123456789abcdef'

describe.skipIf(!testBrowser())('comparing two runs in the window', { timeout: 120_000 }, () => {
  let dir: string
  let serve: ServeProcess
  let site: ChangingSite
  let browser: Browser
  let page: Page
  let pageProblems: string[] = []
  const ids: number[] = []

  /** A URL job over the site as it is now, run to its end through the contract. */
  async function urlRun(): Promise<number> {
    const text = ['/page', '/moved', '/steady'].map((p) => site.baseUrl + p).join('\n')
    const { jobId } = (await callFromPage(page, token, 'jobs.create', {
      spec: { kind: 'urls', input: { type: 'text', text }, retries: 0 },
    })) as { jobId: number }
    for (let waited = 0; ; waited += 200) {
      const job = (await callFromPage(page, token, 'jobs.get', { jobId })) as { state: string }
      if (job.state === 'completed') return jobId
      if (waited > 60_000) throw new Error(`job ${jobId} did not complete: ${job.state}`)
      await page.waitForTimeout(200)
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tf-e2e-compare-'))
    browser = await launchChromium()
    const renderer = await buildRenderer(join(dir, 'renderer'))
    ;[serve, site] = await Promise.all([startServe(join(dir, 'history.sqlite'), token, renderer), startChangingSite()])
    page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage()
    pageProblems = await watchConsole(page)
    await page.goto(`${serve.url}#/history`)
    await page.getByText('Connected to farm').waitFor()
    ids.push(await urlRun())
    site.version = 2
    ids.push(await urlRun())
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await site?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('picks two runs in History by keyboard and shows every changed field, with no serious accessibility problem', async () => {
    const [a, b] = ids as [number, number]
    await page.click('[data-testid=nav-jobs]')
    await page.click('[data-testid=nav-history]')
    for (const id of [a, b]) {
      const box = page.getByRole('checkbox', { name: `Pick job ${id} to compare` })
      await box.focus()
      await page.keyboard.press('Space')
      expect(await box.isChecked()).toBe(true)
    }
    expect(await accessibilityProblems(page)).toEqual([])
    const compare = page.getByRole('button', { name: `Compare #${a} and #${b}` })
    await compare.focus()
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.hash === `#/diff/${a}/${b}`)
    const table = page.getByRole('region', { name: 'What changed between the two runs' })
    await table.locator('tbody tr').first().waitFor()
    const text = await table.innerText()
    for (const value of ['Second title', 'Second description.', 'Second heading', `${site.baseUrl}/page-v2`])
      expect(text).toContain(value)
    expect(await page.getByTestId('diff-summary').innerText()).toBe('2 changed, 0 new, 0 gone, 1 the same.')
    expect(await accessibilityProblems(page)).toEqual([])

    // The job page's "Compare with…" reaches the same view.
    await page.goto(`${serve.url}#/jobs/${b}`)
    await page.getByTestId('compare-with').waitFor()
    expect(await accessibilityProblems(page)).toEqual([])
    await page
      .getByRole('combobox', { name: 'Another run to compare with' })
      .or(page.getByTestId('compare-with'))
      .click()
    await page.getByText(`#${a} ·`).click()
    await page.getByTestId('compare-go').click()
    await page.waitForURL((url) => url.hash === `#/diff/${a}/${b}`)
    await table.locator('tbody tr').first().waitFor()
    expect(pageProblems.splice(0)).toEqual([])
  })
})
