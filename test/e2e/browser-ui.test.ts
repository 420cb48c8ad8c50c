import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testBrowser } from '../support/suite-requirements'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
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

const token = 'e2e-token-0123456789abcdef'
const finished = ':is([data-state=completed], [data-state=completed-with-errors], [data-state=failed])'

describe.skipIf(!testBrowser())('the window in a real browser, against task-farm serve', { timeout: 90_000 }, () => {
  let dir: string
  let serve: ServeProcess
  let fixtures: UrlFixtureServer
  let browser: Browser
  let page: Page
  let pageProblems: string[] = []
  const jobIds: Record<string, number> = {}
  let renderer: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tf-e2e-'))
    browser = await launchChromium()
    renderer = await buildRenderer(join(dir, 'renderer'))
    ;[serve, fixtures] = await Promise.all([
      startServe(join(dir, 'history.sqlite'), token, renderer),
      startUrlFixtureServer(),
    ])
    // A context of its own: axe-core opens a page beside it to run its checks.
    page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage()
    pageProblems = await watchConsole(page)
    await page.goto(`${serve.url}#/jobs`)
    await page.getByText('Connected to farm').waitFor()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await fixtures?.close()
    await rm(dir, { recursive: true, force: true })
  })

  // No view logs an error or a CSP report, in any test (each test's own are reported with it).
  afterEach(() => {
    expect(pageProblems.splice(0)).toEqual([])
  })
  // A test that fails with a dialog open must not fail every test after it (the dialog would hold the focus
  // and the pointer): each test starts with no dialog.
  afterEach(async () => {
    const open = page.locator('[role=dialog]:visible')
    // What the dialog said is what a failure report needs (CI keeps no screenshots).
    if ((await open.count()) > 0) console.error(`A dialog was left open: ${await open.first().innerText()}`)
    for (let i = 0; i < 3 && (await open.count()) > 0; i++) {
      await page.keyboard.press('Escape')
      await page.waitForTimeout(300)
    }
  })

  /** Clicks a dialog's start button and returns the id of the job page it opens. */
  async function startFromDialog(button: string): Promise<number> {
    const before = page.url()
    await page.click(`${button}:not([disabled])`)
    await page.waitForURL((url) => url.href !== before && /#\/jobs\/\d+$/.test(url.hash))
    await page.locator('[data-testid=job-title]').waitFor()
    return Number(/#\/jobs\/(\d+)/.exec(page.url())![1])
  }

  // What every new user sees first: no job yet. Every view and dialog; one test per theme, as each is a
  // long walk on a loaded machine.
  it.each(['light', 'dark'] as const)(
    'shows the empty window, every view and dialog in the %s theme, with no serious accessibility problem',
    async (theme) => {
      const problems: string[] = []
      const audit = async (what: string): Promise<void> => {
        problems.push(...(await accessibilityProblems(page)).map((p) => `${what}: ${p}`))
      }
      await page.click('[data-testid=nav-settings]')
      await page.click(`[data-testid=theme-${theme}]`)
      await page.locator(`[data-testid=theme-${theme}].n-radio-button--checked`).waitFor()
      await audit(`empty settings, ${theme}`)
      await page.click('[data-testid=nav-history]')
      await page.locator('[data-testid=history-table] .n-data-table-empty').waitFor()
      await audit(`empty history, ${theme}`)
      await page.click('[data-testid=nav-pools]')
      await page.locator('[data-testid=pool-size-cpu]').waitFor()
      await audit(`empty pools, ${theme}`)
      await page.click('[data-testid=nav-schedules]')
      await page.locator('[data-testid=schedules]').waitFor()
      await audit(`empty schedules, ${theme}`)
      await page.click('[data-testid=nav-jobs]')
      await page.locator('.n-empty').first().waitFor()
      await audit(`empty jobs, ${theme}`)
      for (const [button, field] of [
        ['new-copy', 'copy-source-0'],
        ['new-urls', 'urls-text'],
        ['new-command', 'command-line'],
      ]) {
        await page.click(`[data-testid=${button}]`)
        await page.locator(`[data-testid=${field}]`).waitFor()
        await audit(`${button} dialog on the empty window, ${theme}`)
        await page.keyboard.press('Escape')
        await page.locator(`[data-testid=${field}]`).waitFor({ state: 'detached' })
      }
      if (theme === 'dark') {
        await page.click('[data-testid=nav-settings]')
        await page.click('[data-testid=theme-light]')
        await page.click('[data-testid=nav-jobs]')
      }
      expect(problems).toEqual([])
    },
    150_000,
  )

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
    // The job ended in a second or two: its throughput comes from the history (not a flat line at zero),
    // and its outcomes are counted from there too.
    await page.locator('[data-testid=throughput-chart] canvas').waitFor()
    expect(await page.locator('[data-testid=throughput-chart] [role=img]').getAttribute('aria-label')).toMatch(
      /^Throughput while it ran \(\d+(s| ms)\): on average \d+(\.\d)?\/s, [\d.]+ [KMG]?i?B\/s\.$/,
    )
    await expect.poll(() => page.locator('[data-testid=breakdown] [data-group=copied] strong').textContent()).toBe('45')
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

    // A status class picked on the breakdown (by keyboard) shows only its rows.
    await page.getByRole('tab', { name: 'Overview' }).click()
    await page.locator('[data-testid=response-times] canvas').waitFor()
    const fourXX = page.locator('.charts [data-testid=breakdown] button[data-group="4xx"]')
    await fourXX.focus()
    await page.keyboard.press('Enter')
    await page.locator('[data-testid=items-table] tbody tr').first().waitFor()
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1)
    expect(await table.textContent()).toContain('/404')
    await page.getByRole('list', { name: 'Show only the rows of one group' }).locator('[data-group="4xx"]').click()
    await expect.poll(() => table.locator('tbody tr').count()).toBe(5)

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
    await card.locator('[data-testid=sparkline]').waitFor({ timeout: 30_000 })
    expect(await card.locator('[data-testid=sparkline]').getAttribute('aria-label')).toMatch(/^Items per second/)
    await card.locator('[data-testid=cancel-job]').click()
    await card.locator('[data-state=cancelled]').waitFor({ timeout: 30_000 })
  })

  it('reconnects by itself when the host restarts, and finds the jobs in History', async () => {
    const port = Number(new URL(serve.origin).port)
    await serve.stop()
    await page.getByText('Reconnecting…').waitFor()
    serve = await startServe(join(dir, 'history.sqlite'), token, renderer, port)
    await page.getByText('Connected to farm').waitFor()
    // While the host was down the browser logged each failed attempt to reconnect, and each look at the
    // page's own address (down or restarted?): that is the point here. A look that meets the socket as
    // the host restarts fails as "not connected" (seen once under stress).
    const attemptFailed =
      /WebSocket connection to .* failed|Failed to load resource: net::ERR_(CONNECTION_(REFUSED|RESET)|SOCKET_NOT_CONNECTED)/
    pageProblems.splice(0, Infinity, ...pageProblems.filter((p) => !attemptFailed.test(p)))
    await page.click('[data-testid=nav-history]')
    const table = page.locator('[data-testid=history-table]')
    await table.getByText('Analyse pasted URLs').waitFor()
    const text = await table.textContent()
    expect(text).toContain(`Copy ${join(dir, 'photos')}`)
    expect(text).toContain('Probe ×5000')
    await page.locator('[data-testid=jobs-per-day] canvas').waitFor()
    // 40 files: the 5 folders among the copy's 45 items are not files copied.
    expect(await page.locator('[data-testid=history-totals]').textContent()).toMatch(/Files copied\s*40/)
  })

  it('is operable by keyboard: the menu, the dialogs, a pool chart', async () => {
    // The host restarted (above), so the cpu pool has no workers, and its charts say so: a job gives it some.
    const { jobId } = (await callFromPage(page, token, 'jobs.create', {
      spec: { kind: 'probe', count: 500_000, sleepMs: 5 },
    })) as { jobId: number }
    await page.locator('[data-testid=nav-jobs]').focus()
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.hash === '#/pools')
    await page.locator('[data-testid=usage-cpu-cpu]').waitFor()
    await page.locator('[data-testid=usage-cpu-cpu]').focus()
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
      /^CPU of the cpu pool/,
    )
    await page.locator('[data-testid=new-urls]').focus()
    await page.keyboard.press('Enter')
    await page.locator('[data-testid=urls-text] textarea').waitFor()
    await page.keyboard.press('Escape')
    await page.locator('[data-testid=urls-text]').waitFor({ state: 'detached' })
    await callFromPage(page, token, 'jobs.cancel', { jobId })
  })

  // One test per theme: each is a long walk through every view and dialog on a loaded machine.
  it.each(['light', 'dark'] as const)(
    'shows every view and dialog in the %s theme, with no serious accessibility problem',
    async (theme) => {
      const problems: string[] = []
      const audit = async (what: string): Promise<void> => {
        problems.push(...(await accessibilityProblems(page)).map((p) => `${what}: ${p}`))
      }
      // A long job keeps workers busy and a progress bar moving in the pictures.
      const { jobId } = (await callFromPage(page, token, 'jobs.create', {
        spec: { kind: 'probe', count: 500_000, sleepMs: 5 },
      })) as { jobId: number }
      {
        await page.click('[data-testid=nav-settings]')
        await page.click(`[data-testid=theme-${theme}]`)
        await page.locator(`[data-testid=theme-${theme}].n-radio-button--checked`).waitFor()
        await screenshot(page, 'settings', theme)
        await audit(`settings, ${theme}`)
        await page.click('[data-testid=nav-history]')
        await page.locator('[data-testid=history-table] tbody tr').first().waitFor()
        await screenshot(page, 'history', theme)
        await audit(`history, ${theme}`)
        await page.click('[data-testid=nav-pools]')
        await page.locator('[data-testid=workers-cpu] tbody tr:not(.n-data-table-empty)').first().waitFor()
        await screenshot(page, 'pools', theme)
        await audit(`pools, ${theme}`)
        await page.click('[data-testid=nav-jobs]')
        await page.locator('[data-testid=job-card]').first().waitFor()
        await screenshot(page, 'jobs', theme)
        await audit(`jobs, ${theme}`)
        await page.click(`[data-job-id="${jobIds.urls}"] .title`)
        await page.getByRole('tab', { name: 'Results' }).click()
        await page.locator('[data-testid=items-table] tbody tr').first().waitFor()
        await screenshot(page, 'url-results', theme)
        await audit(`url-results, ${theme}`)
        await page.getByRole('tab', { name: 'Overview' }).click()
        await page.locator('[data-testid=response-times] canvas').waitFor()
        await screenshot(page, 'url-charts', theme)
        await audit(`url-charts, ${theme}`)
        await page.click('[data-testid=nav-jobs]')
        await page.click(`[data-job-id="${jobIds.copy}"] .title`)
        await page.locator('[data-testid=job-title]').waitFor()
        await screenshot(page, 'job-detail', theme)
        await audit(`job-detail, ${theme}`)
        await page.getByRole('tab', { name: 'Logs' }).click()
        await page.locator('[data-testid=job-log] .line').first().waitFor()
        await screenshot(page, 'job-logs', theme)
        await audit(`job-logs, ${theme}`)
        await page.click('[data-testid=new-copy]')
        await page.fill('[data-testid=copy-source-0] input', join(dir, 'photos'))
        await page.fill('[data-testid=copy-destination] input', join(dir, 'photos', 'inside'))
        await page.locator('[data-testid=check-problems]').waitFor()
        await screenshot(page, 'new-copy', theme)
        await audit(`new-copy, ${theme}`)
        await page.getByRole('button', { name: 'Browse…' }).first().click()
        await page.locator('[data-testid=folder-browser]').waitFor()
        await audit(`folder browser, ${theme}`)
        await page.keyboard.press('Escape')
        await page.locator('[data-testid=folder-browser]').waitFor({ state: 'detached' })
        await page.keyboard.press('Escape')
        await page.locator('[data-testid=check-problems]').waitFor({ state: 'detached' })
        await page.click('[data-testid=new-urls]')
        await page.locator('[data-testid=urls-text] textarea').waitFor()
        await audit(`new URL job, ${theme}`)
        await page.keyboard.press('Escape')
        await page.locator('[data-testid=urls-text]').waitFor({ state: 'detached' })
      }
      await callFromPage(page, token, 'jobs.cancel', { jobId })
      expect(problems).toEqual([])
    },
    150_000,
  )
})
