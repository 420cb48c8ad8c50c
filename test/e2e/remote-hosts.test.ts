import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestHost, TestRedis } from '../remote/remote-support'
import { testBrowser, testRedisServer } from '../support/suite-requirements'
import { buildRenderer, launchChromium, screenshot, startServe, watchConsole, type ServeProcess } from './e2e-support'

const token = 'e2e-remote-token-0123456789abcdef'

/** The Pools view of `task-farm --redis URL serve` lists a remote host live, and drains it. */
describe.skipIf(!testBrowser() || !testRedisServer())('remote hosts in the Pools view', { timeout: 90_000 }, () => {
  let dir: string
  let redis: TestRedis
  let host: TestHost
  let serve: ServeProcess
  let browser: Browser
  let page: Page
  let pageProblems: string[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tf-e2e-remote-'))
    redis = await TestRedis.start()
    const renderer = await buildRenderer(join(dir, 'renderer'))
    ;[serve, browser] = await Promise.all([
      startServe(join(dir, 'history.sqlite'), token, renderer, 0, ['--redis', redis.url]),
      launchChromium(),
    ])
    host = new TestHost(redis.url, 'e2e-host')
    page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
    pageProblems = await watchConsole(page)
    await page.goto(`${serve.url}#/pools`)
    await page.getByText('Connected to farm').waitFor()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    await host?.stop()
    await redis?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('shows the host with its workers and heartbeat, says copy stays local, and drains the host', async () => {
    await page.click('[data-testid=nav-pools]')
    const row = page.locator('[data-testid=remote-hosts-cpu] tbody tr', { hasText: 'e2e-host' })
    await row.getByText('running').waitFor()
    expect(await row.textContent()).toMatch(/0 \/ 1 busy.*s ago/)
    expect(await page.locator('[data-testid=remote-note-disk]').textContent()).toMatch(/never run on remote hosts/)
    await page.locator('[data-testid=remote-hosts-cpu]').scrollIntoViewIfNeeded()
    await screenshot(page, 'pools-remote', 'light')
    await row.getByRole('button', { name: 'Drain' }).click()
    expect(await host.exited).toBe(0)
    await page.locator('[data-testid=remote-hosts-cpu]').getByText('No remote host serves this pool').waitFor()
    expect(pageProblems).toEqual([])
  })
})
