import AxeBuilder from '@axe-core/playwright'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { build } from 'vite'
import { scratchHome } from '../support/scratch-home'
import { testBrowser } from '../support/suite-requirements'

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The renderer the host serves, built the way the app builds it, into a folder of the test's own:
 * test files run side by side, and one rebuilding out/renderer would pull the page from under another.
 */
export async function buildRenderer(outDir: string): Promise<string> {
  await build({ configFile: `${root}vite.renderer.config.ts`, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  return outDir
}

export interface ServeProcess {
  url: string
  origin: string
  stop(): Promise<void>
}

/** `task-farm serve` as a person runs it, reading the address it prints. `globals` go before `serve` (`--redis URL`). */
export function startServe(
  dbPath: string,
  token: string,
  rendererDir: string,
  port = 0,
  globals: string[] = [],
): Promise<ServeProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      `${root}out/node/cli.js`,
      '--db',
      dbPath,
      ...globals,
      'serve',
      '--token',
      token,
      '--port',
      String(port),
      '--renderer-dir',
      rendererDir,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no address:\n${output}`)), 20_000)
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)
      if (!match) return
      clearTimeout(timer)
      const url = match[1]!
      resolve({
        url,
        origin: new URL(url).origin,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGTERM')
          }),
      })
    })
  })
}

/** The browser test/global-setup.ts found (the suites that call this are skipped without one). */
export function launchChromium(): Promise<Browser> {
  const browser = testBrowser()
  if (!browser) throw new Error('No browser for the tests: test/global-setup.ts found none (see its "Skipped" line).')
  const home = scratchHome()
  const launched = chromium.launch({
    executablePath: browser.executablePath,
    env: { ...process.env, ...browser.env, ...home.env },
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
  // Its crash-report folder and caches go with it.
  launched.then((started) => started.on('disconnected', home.remove), home.remove)
  return launched
}

/**
 * Everything the page reports as wrong: console errors (a CSP violation is logged as one, and is also
 * reported through `securitypolicyviolation`, which the page is made to log) and uncaught exceptions.
 * The suites expect this to stay empty.
 */
export async function watchConsole(page: Page): Promise<string[]> {
  const problems: string[] = []
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(
        `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} (${e.sourceFile}:${e.lineNumber})`,
      ),
    ),
  )
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.stack ?? error.message}`))
  return problems
}

/** A call through the page's own host connection, for setup the dialogs do not cover (probe jobs). */
export async function callFromPage(page: Page, token: string, channel: string, request: unknown): Promise<unknown> {
  const host = new URL(page.url()).host
  return page.evaluate(
    ([host, token, channel, request]) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${host}/api?token=${token}`)
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, channel, request }))
        ws.onmessage = (m) => {
          const reply = JSON.parse(String(m.data)) as {
            type: string
            id?: number
            ok?: boolean
            value?: unknown
            error?: { message: string }
          }
          if (reply.type !== 'result') return
          ws.close()
          if (reply.ok) resolve(reply.value)
          else reject(new Error(reply.error?.message))
        }
      }),
    [host, token, channel, request] as const,
  )
}

/**
 * Where screenshots go: an ignored folder on every test run, the README's pictures only when asked
 * (`npm run screenshots`), so a test run never changes tracked files.
 */
export const screenshotDir =
  process.env.TF_SCREENSHOTS_TO_DOCS === '1' ? `${root}docs/screenshots` : `${root}test-results/screenshots`

/** Saves a screenshot of the window, light or dark. */
export async function screenshot(page: Page, name: string, theme: 'light' | 'dark'): Promise<void> {
  await page.waitForTimeout(350) // let transitions settle so the picture is not mid-fade
  await page.screenshot({ path: `${screenshotDir}/${name}-${theme}.png` })
}

/**
 * axe-core (the engine of the browsers' accessibility audits) on what the page shows now: any
 * critical or serious violation, or a `region` or `heading-order` one, fails, listed one per line with the elements it found.
 */
export async function accessibilityProblems(page: Page, options: { legacyMode?: boolean } = {}): Promise<string[]> {
  await animationsSettled(page)
  let violations = await axeViolations(page, options.legacyMode ?? false)
  // Contrast is what a person reads once colours rest. A colour still on its way (naive-ui fades some
  // by means the wait above does not always see in time on a loaded machine) is looked at again after
  // a pause; only what is still too faint then counts.
  if (violations.some((v) => v.id === 'color-contrast')) {
    await page.waitForTimeout(500)
    await animationsSettled(page)
    const again = await axeViolations(page, options.legacyMode ?? false)
    violations = [
      ...violations.filter((v) => v.id !== 'color-contrast'),
      ...again.filter((v) => v.id === 'color-contrast'),
    ]
  }
  // Also two moderate ones that every view had: content outside landmarks, and skipped heading levels.
  return violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious' || v.id === 'region' || v.id === 'heading-order')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 6)
          .join(' | ')}`,
    )
}

/**
 * Colours halfway through a fade (a dialog opening, a theme switching) are not what a person reads:
 * every finite animation and transition ends first (looping ones, like a progress bar, never do).
 */
function animationsSettled(page: Page): Promise<unknown> {
  return page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
          .map((a) => a.finished.catch(() => undefined)),
      ),
      new Promise((resolve) => setTimeout(resolve, 2000)),
    ]),
  )
}

type Violations = Awaited<ReturnType<AxeBuilder['analyze']>>['violations']

// Legacy mode runs wholly in the page: Electron's windows cannot open the blank page axe uses otherwise.
// A toast that begins to fade while axe runs (a job ended meanwhile) is measured mid-fade: what is on
// its way in or out is left out (Vue's transition classes), what stays is checked.
async function axeViolations(page: Page, legacyMode: boolean): Promise<Violations> {
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode(legacyMode)
    .exclude('[class*="transition-leave-active"]')
    .exclude('[class*="transition-enter-active"]')
    .analyze()
  return violations
}

/** A window on a served farm of its own: a temp folder, the built page, `serve`, Chromium, the Jobs view open. */
export interface ServedWindow {
  dir: string
  serve: ServeProcess
  page: Page
  /** What the page reported as wrong (`watchConsole`). */
  pageProblems: string[]
  close(): Promise<void>
}

export async function openServedWindow(prefix: string, token: string): Promise<ServedWindow> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const renderer = await buildRenderer(join(dir, 'renderer'))
  const [serve, browser] = await Promise.all([
    startServe(join(dir, 'history.sqlite'), token, renderer),
    launchChromium(),
  ])
  // A context of its own: axe-core opens a page beside it to run its checks.
  const page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage()
  const pageProblems = await watchConsole(page)
  await page.goto(`${serve.url}#/jobs`)
  await page.getByText('Connected to farm').waitFor()
  return {
    dir,
    serve,
    page,
    pageProblems,
    async close() {
      await browser.close()
      await serve.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
