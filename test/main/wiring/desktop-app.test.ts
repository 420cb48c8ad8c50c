import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FarmLock } from '../../../src/core/store/farm-lock'
import { ControlClient } from '../../../src/host/control-client'
import { DesktopApp } from '../../../src/main/desktop-app'
import { ipcChannelFor } from '../../../src/shared/bridge'
import { app, BrowserWindow, dialog, ipcMain, resetElectronMock, TrayMock, UtilityProcessMock } from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

/** The page main-window.ts trusts: `renderer/index.html` beside main's folder (here, src/). */
const page = pathToFileURL(resolve('src/renderer/index.html')).href

describe('the desktop app, wired', () => {
  let dir: string
  let desktop: DesktopApp

  beforeEach(async () => {
    resetElectronMock()
    UtilityProcessMock.idle = true
    dir = mkdtempSync(join(tmpdir(), 'task-farm-desktop-'))
    vi.stubEnv('TASK_FARM_DB', join(dir, 'history.sqlite'))
    app.getPath.mockImplementation((name: string) => join(dir, name))
    desktop = await DesktopApp.start()
    BrowserWindow.created[0]!.webContents.mainFrame.url = page
  })

  afterEach(async () => {
    // "Cancel jobs and quit", should anything still run.
    dialog.showMessageBox.mockResolvedValue({ response: 1, checkboxChecked: false })
    await desktop.quit()
    vi.unstubAllEnvs()
    rmSync(dir, { recursive: true, force: true })
  })

  const call = (channel: string, request: unknown) =>
    ipcMain.invoke(
      ipcChannelFor(channel as never),
      { senderFrame: BrowserWindow.created[0]!.webContents.mainFrame },
      request,
    )

  it('opens one window and a tray, and answers the page through the bridge', async () => {
    expect(BrowserWindow.created).toHaveLength(1)
    expect(desktop.inspect()).toMatchObject({ trayPresent: true, ownsFarm: true, phase: 'open' })
    expect(await call('jobs.list', {})).toMatchObject({ ok: true, value: { jobs: [], total: 0 } })
  })

  it('owns a history no one runs and listens for the CLI, until it quits', async () => {
    const { endpoint, token } = FarmLock.owner(join(dir, 'history.sqlite'))!
    expect(endpoint).toEqual(expect.any(String))
    const client = await ControlClient.connect(endpoint!, token!)
    let gone = false
    client.onGone(() => (gone = true))
    // The CLI's job shows in the window's list: one farm.
    await client.call('jobs.create', { spec: { kind: 'probe', count: 1, sleepMs: 0 } })
    expect(await call('jobs.list', {})).toMatchObject({ ok: true, value: { total: 1 } })
    dialog.showMessageBox.mockResolvedValue({ response: 1, checkboxChecked: false })
    await desktop.quit()
    await expect.poll(() => gone).toBe(true)
    await expect(ControlClient.connect(endpoint!, token!)).rejects.toThrow()
  })

  it('reads Electron’s metrics on its timer only, not once per request', async () => {
    expect(app.getAppMetrics).toHaveBeenCalledTimes(1)
    for (let i = 0; i < 3; i++) expect(await call('pools.list', {})).toMatchObject({ ok: true })
    expect(app.getAppMetrics).toHaveBeenCalledTimes(1)
  })

  it('quits at once when nothing runs: no question, farm closed, tray gone', async () => {
    await Promise.all([desktop.quit(), desktop.quit()])
    expect(dialog.showMessageBox).not.toHaveBeenCalled()
    expect(desktop.isQuitting).toBe(true)
    expect(TrayMock.created[0]!.destroy).toHaveBeenCalled()
    expect(app.quit).toHaveBeenCalledTimes(1)
  })

  it('asks about a running job without a parent while the window is hidden (macOS closes to the Dock)', async () => {
    const created = (await call('jobs.create', { spec: { kind: 'probe', count: 3, sleepMs: 0 } })) as { ok: boolean }
    expect(created.ok).toBe(true)
    await vi.waitFor(
      async () => {
        const listed = (await call('jobs.list', { states: ['running'] })) as { value: { total: number } }
        expect(listed.value.total).toBe(1)
      },
      { timeout: 10_000 },
    )
    BrowserWindow.created[0]!.hide()
    const asked = desktop.quit()
    // A second Quit meanwhile waits for the same question and brings it to the front.
    const again = desktop.quit()
    await vi.waitFor(() => expect(dialog.showMessageBox).toHaveBeenCalledTimes(1), { timeout: 10_000 })
    expect(dialog.showMessageBox.mock.calls[0]).toHaveLength(1)
    expect(app.focus).toHaveBeenCalledWith({ steal: true })
    await Promise.all([asked, again])
    // The default answer of the mock is "Keep running".
    expect(desktop.isQuitting).toBe(false)
    expect(app.quit).not.toHaveBeenCalled()
  })
})
