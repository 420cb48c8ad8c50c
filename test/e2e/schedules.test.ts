import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBrowser } from '../support/suite-requirements'
import {
  accessibilityProblems,
  buildRenderer,
  launchChromium,
  startServe,
  watchConsole,
  type ServeProcess,
} from './e2e-support'

const token = 'e2e-schedules-token-0123456789'

describe.skipIf(!testBrowser())('a schedule made in the window', { timeout: 120_000 }, () => {
  let dir: string
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  let pageProblems: string[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tf-e2e-schedules-'))
    const renderer = await buildRenderer(join(dir, 'renderer'))
    ;[serve, browser] = await Promise.all([startServe(join(dir, 'history.sqlite'), token, renderer), launchChromium()])
    // A context of its own: axe-core opens a page beside it to run its checks.
    page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage()
    pageProblems = await watchConsole(page)
    await page.goto(`${serve.url}#/jobs`)
    await page.getByText('Connected to farm').waitFor()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('runs again and again, and is paused and removed from the keyboard in the Schedules view', async () => {
    await page.click('[data-testid=new-command]')
    await page.fill('[data-testid=command-line] input', 'true')
    await page.fill('[data-testid=command-inputs] textarea', 'x')
    await page.locator('[data-testid=follow-ups]').getByText('Again and again').click()
    await page.getByLabel('Repeat every').fill('2s')
    await page.click('[data-testid=command-review]:not([disabled])')
    await page.click('[data-testid=command-start]:not([disabled])')
    await page.waitForURL((url) => url.hash === '#/schedules')
    const row = page.locator('[data-testid=schedule-1]')
    await row.waitFor()
    expect(await row.textContent()).toContain('every 2s')
    // Started by the farm on its own: the row's last job appears (a hang guard, not a timing check).
    await row.getByRole('button', { name: /^#\d+$/ }).waitFor({ timeout: 60_000 })
    expect(await accessibilityProblems(page)).toEqual([])

    await page.getByRole('button', { name: 'Pause schedule 1' }).focus()
    await page.keyboard.press('Enter')
    await row.getByText('paused').waitFor()
    await page.getByRole('button', { name: 'Remove schedule 1' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Remove', exact: true }).click()
    await row.waitFor({ state: 'detached' })
    expect(pageProblems).toEqual([])
  })
})
