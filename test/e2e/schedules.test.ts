import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBrowser } from '../support/suite-requirements'
import { accessibilityProblems, openServedWindow, type ServedWindow } from './e2e-support'

const token = 'e2e-schedules-token-0123456789'

describe.skipIf(!testBrowser())('a schedule made in the window', { timeout: 120_000 }, () => {
  let window: ServedWindow | undefined
  let page: Page

  beforeAll(async () => {
    window = await openServedWindow('tf-e2e-schedules-', token)
    page = window.page
  }, 120_000)

  afterAll(() => window?.close())

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
    await page.getByRole('button', { name: 'Pause schedule 1' }).focus()
    await page.keyboard.press('Enter')
    await row.getByText('paused').waitFor()
    // The toasts of the jobs it ran fade in and out: axe reads half-drawn text as low contrast.
    await expect.poll(() => page.locator('.n-notification').count(), { timeout: 30_000 }).toBe(0)
    expect(await accessibilityProblems(page)).toEqual([])
    await page.getByRole('button', { name: 'Remove schedule 1' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Remove', exact: true }).click()
    await row.waitFor({ state: 'detached' })
    expect(window!.pageProblems).toEqual([])
  })
})
