import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
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

  it('shows keyboard focus on the primary button', async () => {
    await page.locator('[data-testid=new-urls]').focus()
    await page.keyboard.press('Tab')
    const outline = await page
      .locator('[data-testid=new-copy]')
      .evaluate((el) => (el === document.activeElement ? getComputedStyle(el).outlineStyle : 'not focused'))
    expect(outline).toBe('solid')
  })

  it('checks a URL list while it is typed: bad lines listed, Start disabled until one line is a URL', async () => {
    await page.click('[data-testid=new-urls]')
    const text = page.locator('[data-testid=urls-text] textarea')
    await text.fill('hello world\nftp://x.example/')
    // No field shows naive-ui's generic placeholder.
    expect(await page.locator('[placeholder="Please Input"]').count()).toBe(0)
    const invalid = page.locator('[data-testid=url-invalid-lines]')
    await invalid.waitFor()
    expect(await invalid.textContent()).toContain('Line 1: "hello world" is not an absolute URL')
    expect(await invalid.textContent()).toContain('Line 2: "ftp://x.example/" is not an http or https URL')
    expect(await page.getByText('URLs, one per line (0 valid, 2 not URLs)').count()).toBe(1)
    // Start stays disabled, also after the engine's check has had its time.
    await page.waitForTimeout(800)
    expect(await page.locator('[data-testid=urls-start]').isDisabled()).toBe(true)
    await screenshot(page, 'urls-invalid-lines', 'light')
    await text.fill('hello world\nhttps://a.example/')
    await page.getByText('URLs, one per line (1 valid, 1 not URL)').waitFor()
    await page.locator('[data-testid=urls-start]:not([disabled])').waitFor()
    expect(await invalid.textContent()).toContain('Line 1')
    await page.keyboard.press('Escape')
    await text.waitFor({ state: 'detached' })
    expect(pageErrors).toEqual([])
  })

  it('a dry run is a review in the dialog: the plan in human units, the real destination, then "Start this copy"', async () => {
    const source = join(dir, 'letters')
    const files: string[] = []
    for (let i = 0; i < 12; i++) {
      const rel = join(`box-${i % 3}`, `letter-${i}.txt`)
      await mkdir(join(source, `box-${i % 3}`), { recursive: true })
      await writeFile(join(source, rel), `dear ${i} `.repeat(500))
      files.push(rel)
    }
    const destination = join(dir, 'archive')
    await page.click('[data-testid=new-copy]')
    await page.fill('[data-testid=copy-source-0] input', source)
    await page.fill('[data-testid=copy-destination] input', destination)
    await page.click('[data-testid=copy-plan]:not([disabled])')
    const review = page.locator('[data-testid=plan-review]')
    await review.waitFor({ timeout: 60_000 })
    expect(await review.locator('[data-testid=plan-target]').textContent()).toBe(`${destination}/letters/`)
    expect(await review.locator('[data-testid=plan-files]').textContent()).toMatch(
      /^12 files, [\d.]+ KiB, in 4 folders$/,
    )
    await screenshot(page, 'copy-plan-review', 'light')
    // The plan copied nothing.
    await expect(readdir(destination)).rejects.toThrow()

    const before = page.url()
    await review.locator('[data-testid=plan-start]').click()
    await page.waitForURL((url) => url.href !== before && /#\/jobs\/\d+$/.test(url.hash))
    await page.locator('.head [data-state=completed]').waitFor({ timeout: 60_000 })
    for (const rel of files)
      expect(await readFile(join(destination, 'letters', rel), 'utf8')).toBe(await readFile(join(source, rel), 'utf8'))

    // The files table says how it is sorted, for a screen reader too.
    await page.getByRole('tab', { name: 'Files' }).click()
    await page.locator('[data-testid=items-table] th[aria-sort]').first().waitFor()

    // The plan stays in the list as a plan, not as a copy that completed with nothing copied.
    await page.click('[data-testid=nav-jobs]')
    const planCard = page.locator('[data-testid=job-card]', { has: page.locator('[data-testid=plan-line]') })
    await planCard.waitFor()
    expect(await planCard.locator('[data-state]').textContent()).toBe('plan ready')
    await planCard.locator('button.title').click()
    await page.locator('[data-testid=plan-review] [data-testid=plan-start]').waitFor()
    expect(pageErrors).toEqual([])
  })

  // Last: it leaves the page on a farm with another token.
  it('stop and restart serve: stale figures and disabled controls while down, then the restart message', async () => {
    const { jobId } = (await callFromPage(page, token, 'jobs.create', {
      spec: { kind: 'probe', count: 200_000, sleepMs: 5 },
    })) as { jobId: number }
    await page.click('[data-testid=nav-jobs]')
    const card = page.locator(`[data-testid=job-card][data-job-id="${jobId}"]`)
    await card.locator('[data-state=running]').waitFor({ timeout: 30_000 })

    const port = Number(new URL(serve.origin).port)
    await serve.stop()
    const banner = page.locator('[data-testid=connection-banner]')
    await banner.waitFor({ timeout: 30_000 })
    expect(await banner.textContent()).toContain('The farm cannot be reached')
    await card.locator('[data-testid=stale]').waitFor()
    expect(await card.getByRole('button', { name: 'Pause' }).isDisabled()).toBe(true)
    // The dialogs' code was fetched while the farm was there: they open without it.
    await page.click('[data-testid=new-copy]')
    await page.locator('[data-testid=copy-destination] input').waitFor()
    await page.keyboard.press('Escape')
    await screenshot(page, 'farm-unreachable', 'light')

    serve = await startServe(join(dir, 'history.sqlite'), `${token}-new`, join(dir, 'renderer'), port)
    await page.getByText('The farm restarted: open the new address it printed').waitFor({ timeout: 30_000 })
    const reply = await fetch(`${serve.origin}/?token=${token}`)
    expect([reply.status, await reply.text()]).toEqual([
      403,
      'Forbidden: missing or wrong token. If the farm restarted, open the new address it printed.',
    ])
    await page.goto(`${serve.url}#/jobs`)
    await page.getByText('Connected to farm').waitFor()
    await card.waitFor()
    expect(pageErrors).toEqual([])
  })
})
