import { resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { findRedisServer, lookForSuitePrograms } from '../support/suite-requirements'
import { findTestBrowser } from '../support/test-browser'
import { scratchHome } from '../support/scratch-home'
import { tempDir } from '../support/test-farm'

const cacheDir = resolve('node_modules/.cache/task-farm-tests')

describe('the programs the browser and remote suites need', () => {
  it('without redis-server, skip the remote suites in one line that says how to get it', async () => {
    const empty = tempDir('tf-no-programs-')
    try {
      const env = { PATH: empty.path, CHROMIUM_PATH: '/nonexistent/chromium' }
      expect(findRedisServer(env)).toMatch(/no redis-server on PATH: apt-get install redis-server/)
      const { variables, lines } = await lookForSuitePrograms(cacheDir, env)
      expect(lines).toEqual([
        'Skipped: the browser suites (CHROMIUM_PATH points at /nonexistent/chromium, which does not exist).',
        'Skipped: the remote-worker suites (no redis-server on PATH: apt-get install redis-server, or set REDIS_SERVER_PATH).',
      ])
      expect(variables).toEqual({ TASK_FARM_TEST_BROWSER: '', TASK_FARM_TEST_REDIS_SERVER: '' })
    } finally {
      empty.remove()
    }
  })

  it('when every suite is required (.ci/run), a missing program fails the run instead', async () => {
    const env = { PATH: '', REDIS_SERVER_PATH: '/nonexistent/redis-server', TASK_FARM_REQUIRE_ALL_SUITES: '1' }
    await expect(lookForSuitePrograms(cacheDir, env)).rejects.toThrow(
      /TASK_FARM_REQUIRE_ALL_SUITES=1, and these cannot run: the remote-worker suites \(REDIS_SERVER_PATH points at/,
    )
  })

  it('finds redis-server on PATH', () => {
    const found = findRedisServer({ PATH: `/nonexistent:${process.env.PATH}` })
    if (typeof found === 'string') return // the remote suites say so themselves
    expect(found.path).toMatch(/redis-server$/)
  })

  it('renders a page with the Chromium that npm installs, on its own libraries and fonts', async () => {
    const found = await findTestBrowser(cacheDir, { CHROMIUM_PATH: 'npm' })
    if (typeof found === 'string') throw new Error(found)
    expect(found.label).toMatch(/^the Chromium of @sparticuz\/chromium [\d.]+ \(npm\)/)
    // Only the libraries and fonts it brings: what a machine without browser packages has.
    const home = scratchHome()
    const browser = await chromium.launch({
      executablePath: found.executablePath,
      env: { ...process.env, ...found.env, ...home.env },
      args: ['--no-sandbox', '--disable-gpu'],
    })
    try {
      const page = await browser.newPage()
      await page.setContent('<h1>Task Farm</h1><canvas width="200" height="40"></canvas>')
      // (A string: this file is type-checked without the DOM's types.)
      const inked = await page.evaluate(`(() => {
          const context = document.querySelector('canvas').getContext('2d')
          context.font = '24px sans-serif'
          context.fillText('Task Farm', 4, 30)
          return context.getImageData(0, 0, 200, 40).data.filter((value, i) => i % 4 === 3 && value > 0).length
        })()`)
      expect(inked).toBeGreaterThan(100) // glyphs drawn: a browser without fonts draws none
      expect(await page.locator('h1').textContent()).toBe('Task Farm')
    } finally {
      await browser.close()
      home.remove()
    }
  }, 120_000)
})
