import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import { buildRenderer, callFromPage, launchChromium, screenshot, startServe, type ServeProcess } from './e2e-support'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const token = 'e2e-token-0123456789abcdef'
const finished = ':is([data-state=completed], [data-state=completed-with-errors], [data-state=failed])'

describe.skipIf(!existsSync(chromiumPath))(
  'the window in a real browser, against task-farm serve',
  { timeout: 90_000 },
  () => {
    let dir: string
    let serve: ServeProcess
    let fixtures: UrlFixtureServer
    let browser: Browser
    let page: Page
    const pageErrors: string[] = []
    const jobIds: Record<string, number> = {}

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tf-e2e-'))
      await buildRenderer()
      ;[serve, fixtures, browser] = await Promise.all([
        startServe(join(dir, 'history.sqlite'), token),
        startUrlFixtureServer(),
        launchChromium(),
      ])
      page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
      page.on('pageerror', (error) => pageErrors.push(error.message))
      await page.goto(`${serve.url}#/jobs`)
      await page.getByText('Connected to farm').waitFor()
    }, 120_000)

    afterAll(async () => {
      await browser?.close()
      await serve?.stop()
      await fixtures?.close()
      await rm(dir, { recursive: true, force: true })
    })

    /** Clicks a dialog's start button and returns the id of the job page it opens. */
    async function startFromDialog(button: string): Promise<number> {
      const before = page.url()
      await page.click(`${button}:not([disabled])`)
      await page.waitForURL((url) => url.href !== before && /#\/jobs\/\d+$/.test(url.hash))
      await page.locator('[data-testid=job-title]').waitFor()
      return Number(/#\/jobs\/(\d+)/.exec(page.url())![1])
    }

    it('resizes a pool live and shows its workers change', async () => {
      await page.click('[data-testid=nav-pools]')
      // Pools start their workers on first need, so the size is read from the field, not the rows.
      const sizeField = page.locator('[data-testid=pool-size-cpu] input')
      const before = Number(await sizeField.inputValue())
      await sizeField.fill(String(before + 1))
      await sizeField.press('Enter')
      const rows = page.locator('[data-testid=workers-cpu] tbody tr:not(.n-data-table-empty)')
      await rows.nth(before).waitFor()
      expect(await rows.count()).toBe(before + 1)
    })

    it('copies a folder made through the copy dialog to 100 %', async () => {
      const source = join(dir, 'photos')
      for (let i = 0; i < 40; i++) {
        await mkdir(join(source, `album-${i % 4}`), { recursive: true })
        await writeFile(join(source, `album-${i % 4}`, `picture-${i}.jpg`), `picture ${i} `.repeat(200))
      }
      const destination = join(dir, 'backup')
      await page.click('[data-testid=new-copy]')
      await page.fill('[data-testid=copy-source-0] input', source)
      await page.fill('[data-testid=copy-destination] input', destination)
      jobIds.copy = await startFromDialog('[data-testid=copy-start]')
      await page.locator(`.head ${finished}`).waitFor({ timeout: 60_000 })
      expect(await page.locator('.head [data-state]').getAttribute('data-state')).toBe('completed')
      expect(await page.locator('[data-testid=items-percent]').first().textContent()).toBe('100 %')
      expect((await readdir(join(destination, 'photos', 'album-0'))).length).toBe(10)
    })

    it("reads the job's logs", async () => {
      await page.getByRole('tab', { name: 'Logs' }).click()
      await page.locator('[data-testid=job-log] .line').first().waitFor()
      expect(await page.locator('[data-testid=job-log] .line').count()).toBeGreaterThan(0)
    })

    it('analyses URLs made through the URL dialog, showing a title with markup as text', async () => {
      await page.click('[data-testid=new-urls]')
      const urls = ['/page', '/title-markup', '/a', '/redirect', '/404'].map((p) => fixtures.baseUrl + p)
      await page.fill('[data-testid=urls-text] textarea', urls.join('\n'))
      jobIds.urls = await startFromDialog('[data-testid=urls-start]')
      await page.locator('[data-testid=job-title]', { hasText: 'Analyse pasted URLs' }).waitFor()
      await page.locator(`.head ${finished}`).waitFor({ timeout: 60_000 })
      expect(await page.locator('[data-testid=items-percent]').first().textContent()).toBe('100 %')

      await page.getByRole('tab', { name: 'Results' }).click()
      const table = page.locator('[data-testid=items-table]')
      await table.getByText('Jerry', { exact: false }).first().waitFor()
      expect(await table.textContent()).toContain('Tom & <b>Jerry</b><script>alert(1)</script>')
      expect(await table.locator('b, script').count()).toBe(0)

      const csv = await page.request.get(`${serve.origin}/export?jobId=${jobIds.urls}&format=csv&token=${token}`)
      expect(csv.status()).toBe(200)
      expect(await csv.text()).toContain('/title-markup')
    })

    it('cancels a running job from the Jobs view', async () => {
      const { jobId } = (await callFromPage(page, token, 'jobs.create', {
        spec: { kind: 'probe', count: 5000, sleepMs: 40 },
      })) as { jobId: number }
      jobIds.probe = jobId
      await page.click('[data-testid=nav-jobs]')
      const card = page.locator(`[data-testid=job-card][data-job-id="${jobId}"]`)
      await card.locator('[data-state=running]').waitFor({ timeout: 30_000 })
      await card.locator('[data-testid=cancel-job]').click()
      await card.locator('[data-state=cancelled]').waitFor({ timeout: 30_000 })
    })

    it('reconnects by itself when the host restarts, and finds the jobs in History', async () => {
      const port = Number(new URL(serve.origin).port)
      await serve.stop()
      await page.getByText('Reconnecting…').waitFor()
      serve = await startServe(join(dir, 'history.sqlite'), token, port)
      await page.getByText('Connected to farm').waitFor()
      await page.click('[data-testid=nav-history]')
      const table = page.locator('[data-testid=history-table]')
      await table.getByText('Analyse pasted URLs').waitFor()
      const text = await table.textContent()
      expect(text).toContain(`Copy ${join(dir, 'photos')}`)
      expect(text).toContain('Probe ×5000')
    })

    it('saves screenshots of every main view, light and dark', async () => {
      // A long job keeps workers busy and a progress bar moving in the pictures.
      const { jobId } = (await callFromPage(page, token, 'jobs.create', {
        spec: { kind: 'probe', count: 20_000, sleepMs: 5 },
      })) as { jobId: number }
      for (const theme of ['light', 'dark'] as const) {
        await page.click('[data-testid=nav-settings]')
        await page.click(`[data-testid=theme-${theme}]`)
        await page.locator(`[data-testid=theme-${theme}].n-radio-button--checked`).waitFor()
        await screenshot(page, 'settings', theme)
        await page.click('[data-testid=nav-history]')
        await page.locator('[data-testid=history-table] tbody tr').first().waitFor()
        await screenshot(page, 'history', theme)
        await page.click('[data-testid=nav-pools]')
        await page.locator('[data-testid=workers-cpu] tbody tr:not(.n-data-table-empty)').first().waitFor()
        await screenshot(page, 'pools', theme)
        await page.click('[data-testid=nav-jobs]')
        await page.locator('[data-testid=job-card]').first().waitFor()
        await screenshot(page, 'jobs', theme)
        await page.click(`[data-job-id="${jobIds.urls}"] .title`)
        await page.getByRole('tab', { name: 'Results' }).click()
        await page.locator('[data-testid=items-table] tbody tr').first().waitFor()
        await screenshot(page, 'url-results', theme)
        await page.click('[data-testid=nav-jobs]')
        await page.click(`[data-job-id="${jobIds.copy}"] .title`)
        await page.locator('[data-testid=job-title]').waitFor()
        await screenshot(page, 'job-detail', theme)
        await page.getByRole('tab', { name: 'Logs' }).click()
        await page.locator('[data-testid=job-log] .line').first().waitFor()
        await screenshot(page, 'job-logs', theme)
        await page.click('[data-testid=new-copy]')
        await page.fill('[data-testid=copy-source-0] input', join(dir, 'photos'))
        await page.fill('[data-testid=copy-destination] input', join(dir, 'photos', 'inside'))
        await page.locator('[data-testid=check-problems]').waitFor()
        await screenshot(page, 'new-copy', theme)
        await page.keyboard.press('Escape')
        await page.locator('[data-testid=check-problems]').waitFor({ state: 'detached' })
      }
      await callFromPage(page, token, 'jobs.cancel', { jobId })
      expect(pageErrors).toEqual([])
    }, 120_000)
  },
)
