import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import { testBrowser } from '../support/suite-requirements'
import {
  accessibilityProblems,
  buildRenderer,
  callFromPage,
  launchChromium,
  screenshot,
  startServe,
  watchConsole,
  type ServeProcess,
} from './e2e-support'

const token = 'e2e-units-token-0123456789abc'
const finished = ':is([data-state=completed], [data-state=completed-with-errors], [data-state=failed])'

describe.skipIf(!testBrowser())('the Units view', { timeout: 120_000 }, () => {
  let dir: string
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  let server: UrlFixtureServer
  let pageProblems: string[] = []
  const slow: string[] = []

  /** A URL job made through the page's connection, followed until it has ended. */
  async function urlJob(urls: string[]): Promise<number> {
    const { jobId } = (await callFromPage(page, token, 'jobs.create', {
      spec: { kind: 'urls', input: { type: 'text', text: urls.join('\n') }, timeoutMs: 1500, retries: 0 },
    })) as { jobId: number }
    for (let tries = 0; tries < 600; tries++) {
      const job = (await callFromPage(page, token, 'jobs.get', { jobId })) as { state: string }
      if (job.state.startsWith('completed') || job.state === 'failed') return jobId
      await page.waitForTimeout(100)
    }
    throw new Error(`job ${jobId} did not end`)
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tf-e2e-units-'))
    server = await startUrlFixtureServer()
    const renderer = await buildRenderer(join(dir, 'renderer'))
    ;[serve, browser] = await Promise.all([startServe(join(dir, 'history.sqlite'), token, renderer), launchChromium()])
    page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage()
    pageProblems = await watchConsole(page)
    await page.goto(`${serve.url}#/jobs`)
    await page.getByText('Connected to farm').waitFor()
    // Two URL jobs whose slow pages time out under 1.5 s.
    for (let job = 1; job <= 2; job++) {
      const urls = [1, 2].map((n) => `${server.baseUrl}/slow?ms=3000&job=${job}&n=${n}`)
      slow.push(...urls)
      await urlJob([`${server.baseUrl}/page`, ...urls])
    }
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('filters the units of every job, retries them with a 30 s timeout, and the new job finishes', async () => {
    await page.click('[data-testid=nav-units]')
    const rows = page.locator('[data-testid=units-table] tbody tr')
    await rows.nth(5).waitFor() // every unit of both jobs, before any filter
    await page.getByLabel('Error codes').fill('timeout')
    await page.waitForURL((url) => url.hash === `#/units/${encodeURIComponent('error=timeout')}`)
    await page.locator('[data-testid=units-count]', { hasText: /^4 units$/ }).waitFor()
    const keys = await rows.evaluateAll((trs) => trs.map((tr) => tr.lastElementChild?.textContent?.trim()))
    expect(keys).toEqual([...slow].reverse())
    expect(await accessibilityProblems(page)).toEqual([])
    await screenshot(page, 'units', 'light')

    await page.click('[data-testid=units-retry]')
    const dialog = page.locator('[data-testid=units-retry-dialog]')
    await dialog.waitFor()
    await dialog.getByLabel('Timeout in seconds').fill('30')
    await dialog.getByLabel('Timeout in seconds').press('Tab')
    expect(await accessibilityProblems(page)).toEqual([])
    await page.click('[data-testid=units-retry-start]')
    await page.waitForURL((url) => /#\/jobs\/3$/.test(url.hash))
    await page.locator(`.head ${finished}`).waitFor({ timeout: 60_000 })
    expect(await page.locator('.head [data-state]').getAttribute('data-state')).toBe('completed')
    const job = (await callFromPage(page, token, 'jobs.get', { jobId: 3 })) as { spec: { timeoutMs: number } }
    expect(job.spec.timeoutMs).toBe(30_000)

    // The job page's table opens its units in the Units view, the keyboard way.
    await page.getByRole('tab', { name: 'Results' }).click()
    await page.locator('[data-testid=open-units]').focus()
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.hash === `#/units/${encodeURIComponent('job=3')}`)
    await page.locator('[data-testid=units-count]', { hasText: /^4 units$/ }).waitFor()

    // A chart's group on a job page links to the units behind it.
    await page.goto(`${serve.url}#/jobs/1`)
    await page.getByRole('link', { name: 'Open the timeout units in Units' }).click()
    await page.waitForURL((url) => url.hash === `#/units/${encodeURIComponent('state=done error=timeout job=1')}`)
    await page.locator('[data-testid=units-count]', { hasText: /^2 units$/ }).waitFor()
    expect(pageProblems).toEqual([])
  })
})
