import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accessibilityProblems } from '../e2e/e2e-support'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import { eventually, launchApp, type LaunchedApp } from './launched-app'

/**
 * The desktop app's first launch, for real: the built app in Electron, driven by Playwright,
 * on a temporary data folder. Runs through `npm run test:electron` where Electron exists.
 */
describe('the desktop app', () => {
  let dir: string
  let userData: string
  let shell: LaunchedApp
  let server: UrlFixtureServer

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'task-farm-launch-'))
    userData = join(dir, 'user-data')
    server = await startUrlFixtureServer()
    shell = await launchApp(userData)
    // Record every notification the OS says it showed (its `show` event: a `show()` call proves
    // nothing, the OS may drop it), and every one handed to the window instead (after `failed`).
    await shell.app.evaluate(({ Notification }) => {
      const seen: string[] = []
      ;(globalThis as unknown as { notificationsShown: string[] }).notificationsShown = seen
      const show = Notification.prototype.show
      Notification.prototype.show = function (this: Electron.Notification) {
        this.once('show', () => seen.push(this.title))
        return show.call(this)
      }
    })
    await shell.page.evaluate(() => {
      const page = window as unknown as {
        notices: unknown[]
        taskFarm: { on(e: string, l: (p: unknown) => void): void }
      }
      page.notices = []
      page.taskFarm.on('desktop.notice', (notice) => page.notices.push(notice))
    })
  })

  afterAll(async () => {
    await shell?.close()
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('is called Task Farm, and keeps its data in the folder it was given', async () => {
    expect(await shell.app.evaluate(({ app }) => app.getName())).toBe('Task Farm')
    expect(await shell.app.evaluate(({ app }) => app.getPath('userData'))).toBe(userData)
    expect(existsSync(join(userData, 'history.sqlite'))).toBe(true)
  })

  it('opens its window without a console error, with the tray beside it', async () => {
    expect(shell.errors).toEqual([])
    expect(await shell.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible())).toBe(true)
    const inspected = await shell.app.evaluate(() =>
      (globalThis as unknown as { taskFarmShell: () => { trayPresent: boolean } }).taskFarmShell(),
    )
    expect(inspected.trayPresent).toBe(true)
  })

  it('runs the page sandboxed and context-isolated, under its CSP', async () => {
    const page = await shell.page.evaluate(() => {
      let evalRefused = false
      try {
        ;(0, eval)('1')
      } catch {
        evalRefused = true
      }
      const scope = window as unknown as Record<string, unknown>
      return {
        evalRefused,
        meta: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? null,
        nodeGlobals: ['require', 'process', 'module', 'Buffer'].filter((name) => name in scope),
        // contextBridge refuses to expose anything without context isolation.
        bridge: Object.keys(scope.taskFarm as object).sort(),
      }
    })
    expect(page).toMatchObject({ evalRefused: true, nodeGlobals: [], bridge: ['call', 'getPathForFile', 'on'] })
    expect(page.meta).toContain("script-src 'self'")
    const renderer = await shell.app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows()[0]!.webContents.getOSProcessId(),
    )
    if (process.platform === 'linux') {
      // Chromium's Linux sandbox puts every sandboxed renderer under a seccomp-bpf filter (mode 2).
      expect(readFileSync(`/proc/${renderer}/status`, 'utf8')).toMatch(/^Seccomp:\s+2$/m)
    } else {
      const metrics = await shell.app.evaluate(({ app }) => app.getAppMetrics())
      expect(metrics.find((m) => m.pid === renderer)?.sandboxed).toBe(true)
    }
  })

  it('passes the accessibility audit the browser tests run (axe-core), in every view of the window', async () => {
    const problems: string[] = []
    for (const view of ['jobs', 'pools', 'history', 'settings']) {
      await shell.page.getByTestId(`nav-${view}`).click()
      problems.push(...(await accessibilityProblems(shell.page, { legacyMode: true })).map((p) => `${view}: ${p}`))
    }
    expect(problems).toEqual([])
    await shell.page.getByTestId('nav-jobs').click()
  })

  it('copies a folder and analyses URLs through the IPC bridge, in utility-process workers', async () => {
    const source = join(dir, 'photos')
    mkdirSync(join(source, 'trip'), { recursive: true })
    writeFileSync(join(source, 'a.txt'), 'alpha')
    writeFileSync(join(source, 'trip', 'b.txt'), 'beta')
    const destination = join(dir, 'backup')
    const copy = await shell.call<{ jobId: number }>('jobs.create', {
      spec: { kind: 'copy', sources: [source], destination },
    })
    const text = `${server.baseUrl}/page\n${server.baseUrl}/redirect/2\n`
    const urls = await shell.call<{ jobId: number }>('jobs.create', {
      spec: { kind: 'urls', input: { type: 'text', text } },
    })
    expect((await shell.jobIn(copy.jobId, ['completed', 'completed-with-errors', 'failed'])).state).toBe('completed')
    expect(readFileSync(join(destination, 'photos', 'trip', 'b.txt'), 'utf8')).toBe('beta')
    const analysed = await shell.jobIn(urls.jobId, ['completed', 'completed-with-errors', 'failed'])
    expect(analysed).toMatchObject({ state: 'completed', itemsDone: 2 })
    // An ended job is news for someone not looking: a notification, or the window's stand-in for it.
    await eventually(async () => {
      const shown = await shell.app.evaluate(
        () => (globalThis as unknown as { notificationsShown: string[] }).notificationsShown,
      )
      const notices = await shell.page.evaluate(() => (window as unknown as { notices: unknown[] }).notices)
      return shown.length + notices.length > 0
    }, 'a job notification')
  })

  it('shows its workers in the Pools view as utility processes, and replaces one that is killed', async () => {
    // Long enough that the pool still has work when one of its workers dies.
    const { jobId } = await shell.call<{ jobId: number }>('jobs.create', {
      spec: { kind: 'probe', count: 400, sleepMs: 100 },
    })
    const cpuPool = async () => {
      const pools = await shell.call<{ name: string; size: number; workers: { pid: number | null }[] }[]>(
        'pools.list',
        {},
      )
      const pool = pools.find((p) => p.name === 'cpu')!
      return { size: pool.size, pids: pool.workers.flatMap((w) => (w.pid === null ? [] : [w.pid])) }
    }
    const pids = await eventually(async () => {
      const pool = await cpuPool()
      return pool.pids.length >= pool.size ? pool.pids : null
    }, 'a full cpu pool')
    const utility = await shell.app.evaluate(({ app }) =>
      app
        .getAppMetrics()
        .flatMap((m) => (m.type === 'Utility' ? [{ pid: m.pid, name: m.name ?? m.serviceName ?? '' }] : [])),
    )
    for (const pid of pids) expect(utility.find((u) => u.pid === pid)?.name).toMatch(/^Task Farm cpu worker \d+$/)
    await shell.page.getByTestId('nav-pools').click()
    const table = shell.page.getByTestId('workers-cpu')
    await eventually(async () => {
      const shown = await table.innerText()
      return pids.every((pid) => shown.includes(String(pid)))
    }, 'the worker pids in the Pools view')

    const [victim] = pids
    process.kill(victim!, 'SIGKILL')
    await eventually(async () => {
      const now = (await cpuPool()).pids
      return !now.includes(victim!) && now.some((pid) => !pids.includes(pid))
    }, 'a worker in place of the killed one')
    expect(await shell.jobIn(jobId, ['completed', 'completed-with-errors', 'failed'], 90_000)).toMatchObject({
      state: 'completed',
      itemsDone: 400,
    })
  })

  it('"Copy failures" puts the failed items on the clipboard', async () => {
    const { jobId } = await shell.call<{ jobId: number }>('jobs.create', {
      spec: { kind: 'probe', count: 4, failOn: [1, 3] },
    })
    expect((await shell.jobIn(jobId, ['completed-with-errors', 'completed', 'failed'])).state).toBe(
      'completed-with-errors',
    )
    await shell.app.evaluate(({ BrowserWindow, clipboard }) => {
      clipboard.clear()
      BrowserWindow.getAllWindows()[0]!.focus()
    })
    await shell.page.evaluate((id) => void (location.hash = `#/jobs/${id}`), jobId)
    await shell.page.getByRole('tab', { name: 'Items' }).click()
    await shell.page.getByRole('button', { name: 'Copy failures' }).click()
    const copied = await eventually(
      () => shell.app.evaluate(({ clipboard }) => clipboard.readText()),
      'text on the clipboard',
    )
    expect(copied.split('\n')).toHaveLength(2)
    for (const line of copied.split('\n')) expect(line).toContain('\t')
  })

  it('quitting with a job running pauses it, and the next start resumes it', async () => {
    const { jobId } = await shell.call<{ jobId: number }>('jobs.create', {
      spec: { kind: 'probe', count: 60, sleepMs: 250 },
    })
    await eventually(async () => (await shell.jobIn(jobId, ['running'])).itemsDone > 0, 'the job under way')
    // The person answers "Pause and quit" (button 0) to the quit question.
    await shell.app.evaluate(({ dialog }) => {
      dialog.showMessageBox = async () => ({ response: 0, checkboxChecked: false })
    })
    const closed = shell.app.waitForEvent('close')
    await shell.app.evaluate(({ app }) => app.quit())
    await closed
    expect(JSON.parse(readFileSync(join(userData, 'resume-on-start.json'), 'utf8'))).toEqual({ jobIds: [jobId] })

    shell = await launchApp(userData)
    const resumed = await shell.jobIn(jobId, ['completed', 'completed-with-errors', 'failed'], 90_000)
    expect(resumed).toMatchObject({ state: 'completed', itemsDone: 60 })
    expect(existsSync(join(userData, 'resume-on-start.json'))).toBe(false)
    expect(shell.errors.filter((e) => !e.startsWith('Refused to evaluate'))).toEqual([])
  })
})
