import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBrowser } from '../support/suite-requirements'
import { buildRenderer, launchChromium, screenshot, startServe, watchConsole, type ServeProcess } from './e2e-support'

const token = 'e2e-command-token-0123456789'
const finished = ':is([data-state=completed], [data-state=completed-with-errors], [data-state=failed])'

describe.skipIf(!testBrowser())('a command job made in the window', { timeout: 90_000 }, () => {
  let dir: string
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  let pageProblems: string[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tf-e2e-command-'))
    const renderer = await buildRenderer(join(dir, 'renderer'))
    ;[serve, browser] = await Promise.all([startServe(join(dir, 'history.sqlite'), token, renderer), launchChromium()])
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
    pageProblems = await watchConsole(page)
    await page.goto(`${serve.url}#/jobs`)
    await page.getByText('Connected to farm').waitFor()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('previews and confirms the command lines, runs them to 100 %, and opens a unit’s output', async () => {
    await page.click('[data-testid=new-command]')
    await page.fill(
      '[data-testid=command-line] input',
      `sh -c 'echo "hello $1"; echo "note $1" >&2; [ "$1" != c ]' sh {}`,
    )
    await page.fill('[data-testid=command-inputs] textarea', 'a\nb b\nc\nd')
    const preview = page.locator('[data-testid=command-preview] code')
    await preview.nth(2).waitFor()
    expect(await preview.allTextContents()).toEqual([
      `sh -c 'echo "hello $1"; echo "note $1" >&2; [ "$1" != c ]' sh a`,
      `sh -c 'echo "hello $1"; echo "note $1" >&2; [ "$1" != c ]' sh 'b b'`,
      `sh -c 'echo "hello $1"; echo "note $1" >&2; [ "$1" != c ]' sh c`,
    ])
    await page.click('[data-testid=command-review]:not([disabled])')
    await page.locator('[data-testid=command-confirm]').waitFor()
    await screenshot(page, 'run-command', 'light')

    const before = page.url()
    await page.click('[data-testid=command-start]:not([disabled])')
    await page.waitForURL((url) => url.href !== before && /#\/jobs\/\d+$/.test(url.hash))
    await page.locator(`.head ${finished}`).waitFor({ timeout: 60_000 })
    expect(await page.locator('.head [data-state]').getAttribute('data-state')).toBe('completed-with-errors')
    expect(await page.locator('[data-testid=items-percent]').first().textContent()).toBe('100 %')

    await page.getByRole('tab', { name: 'Items' }).click()
    const rows = page.locator('[data-testid=items-table] tbody tr')
    await rows.nth(3).waitFor()
    expect(await rows.nth(2).textContent()).toContain('note c')
    await screenshot(page, 'command-results', 'light')
    await rows.nth(1).click()
    const panel = page.locator('[data-testid=unit-output]')
    await panel.waitFor()
    expect(await panel.locator('[data-testid=unit-stdout]').textContent()).toBe('hello b b\n')
    expect(await panel.locator('[data-testid=unit-stderr]').textContent()).toBe('note b b\n')
    await screenshot(page, 'command-unit', 'light')
    expect(pageProblems).toEqual([])
  })

  it('makes a chain from a job’s page with "Then…": the follower waits, then starts by itself', async () => {
    await page.keyboard.press('Escape') // the unit's output panel
    await page.locator('[data-testid=unit-output]').waitFor({ state: 'hidden' })
    await page.click('[data-testid=new-command]')
    // Long enough to be running still when the follower is made, however slow the machine: the steps
    // between took over 8 s under a loaded full run, the job had ended, and the menu went with it.
    await page.fill('[data-testid=command-line] input', `sh -c 'sleep 20; echo "$1"' sh {}`)
    await page.fill('[data-testid=command-inputs] textarea', 'x\ny')
    await page.click('[data-testid=command-review]:not([disabled])')
    let before = page.url()
    await page.click('[data-testid=command-start]:not([disabled])')
    await page.waitForURL((url) => url.href !== before && /#\/jobs\/\d+$/.test(url.hash))
    const first = page.url().split('/').at(-1)!
    await page.locator('.head [data-state=running]').waitFor()
    // A closing dialog gives the focus back to what opened it once its fade has ended: under load that
    // came after the menu below had opened and took the focus from it. A person waits for it; so do we.
    await page.locator('[role=dialog]').waitFor({ state: 'detached' })

    // By keyboard: the menu button opens on its first entry, Enter picks it.
    await page.getByRole('button', { name: 'Then…' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('menu', { name: 'Then' }).waitFor()
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('menuitem')
    expect(await page.getByRole('menuitem').first().textContent()).toContain('Run a command on its units')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid=chain-fields]').waitFor()
    expect(await page.locator('[data-testid=command-from-job]').textContent()).toContain(`Units of job ${first}`)
    await page.fill('[data-testid=command-line] input', `sh -c 'echo "got $1"' sh {}`)
    expect(await page.locator('[data-testid=command-preview] code').first().textContent()).toContain(
      `<each unit of job ${first}>`,
    )
    await page.click('[data-testid=command-review]:not([disabled])')
    before = page.url()
    await page.click('[data-testid=command-start]:not([disabled])')
    await page.waitForURL((url) => url.href !== before && /#\/jobs\/\d+$/.test(url.hash))

    // The follower shows what it waits for, then starts by itself once the first job has ended.
    await page.locator('.head [data-state=waiting]').waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-testid=job-waits-for]').textContent()).toContain(`Job ${first}`)
    expect(await page.locator('[data-testid=job-waiting]').textContent()).toContain(`waiting for job ${first}`)
    await screenshot(page, 'job-follower-waiting', 'light')
    // What it waits for is a named region, reached as such.
    await page.getByRole('region', { name: 'Jobs before and after this one' }).waitFor()
    await page.locator('.head [data-state=completed]').waitFor({ timeout: 60_000 })
    await page.getByRole('tab', { name: 'Items' }).click()
    const rows = page.locator('[data-testid=items-table] tbody tr')
    await rows.nth(1).waitFor()
    expect(await rows.nth(0).textContent()).toContain('x')
    expect(await rows.nth(1).textContent()).toContain('y')
    // The first job's page says what follows it.
    await page.getByRole('button', { name: new RegExp(`^Job ${first} \\(`) }).click()
    await page.locator('[data-testid=job-followers]').waitFor()
    expect(pageProblems).toEqual([])
  }, 180_000)
})
