import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildRenderer, callFromPage, launchChromium, screenshot, startServe, type ServeProcess } from './e2e-support'

const token = 'e2e-honesty-token-0123456789'

/** Issue 27: a window that never leaves you guessing (waits explained, lists checked, plans reviewed). */
describe('a window that never leaves you guessing', { timeout: 120_000 }, () => {
  let dir: string
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tf-e2e-honesty-'))
    browser = await launchChromium()
    const renderer = await buildRenderer(join(dir, 'renderer'))
    serve = await startServe(join(dir, 'history.sqlite'), token, renderer)
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message))
    await page.goto(`${serve.url}#/jobs`)
    await page.getByText('Connected to farm').waitFor()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('terminate a pool under a running job: the job says why, the dialog warns, and Reopen lets it finish', async () => {
    const { jobId } = (await callFromPage(page, token, 'jobs.create', {
      spec: { kind: 'probe', count: 3000, sleepMs: 10 },
    })) as { jobId: number }
    const card = page.locator(`[data-testid=job-card][data-job-id="${jobId}"]`)
    await card.locator('[data-state=running]').waitFor({ timeout: 30_000 })

    await page.click('[data-testid=nav-pools]')
    const cpu = page.locator('[data-pool=cpu]')
    await cpu.getByRole('button', { name: 'Terminate' }).click()
    const confirm = page.locator('.n-popconfirm')
    expect(await confirm.textContent()).toContain('wait until you press Reopen')
    await confirm.getByRole('button', { name: 'Confirm' }).click()
    await cpu.locator('[data-testid=reopen-pool-cpu]').waitFor()

    await page.click('[data-testid=nav-jobs]')
    const waiting = card.locator('[data-testid=job-waiting]')
    await waiting.waitFor({ timeout: 30_000 })
    expect(await waiting.textContent()).toContain('waiting: pool cpu is closed')
    expect(await card.locator('[data-state]').first().getAttribute('data-state')).toBe('running')
    await screenshot(page, 'job-waiting', 'light')

    // A new job for that pool is told before Start.
    await page.click('[data-testid=new-command]')
    const notice = page.locator('[data-testid=pool-closed-notice]')
    await notice.waitFor()
    expect(await notice.textContent()).toContain('The cpu pool is closed: this job will wait until you reopen it.')
    await page.keyboard.press('Escape')
    await notice.waitFor({ state: 'detached' })

    await card.locator('[data-testid=job-waiting-action]').click()
    await card.locator('[data-state=completed]').waitFor({ timeout: 90_000 })
    expect(await waiting.count()).toBe(0)
    expect(pageErrors).toEqual([])
  })
})
