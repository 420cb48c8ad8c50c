import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FarmLock } from '../../../src/core/store/farm-lock'
import { findOwner } from '../../../src/host/find-owner'
import { DesktopApp } from '../../../src/main/desktop-app'
import { ipcChannelFor, ipcEventFor } from '../../../src/shared/bridge'
import { startServe, type Served } from '../../cli/served-farm'
import { tempDir } from '../../support/test-farm'
import {
  app,
  BrowserWindow,
  dialog,
  forked,
  ipcMain,
  resetElectronMock,
  TrayMock,
  UtilityProcessMock,
} from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

const page = pathToFileURL(resolve('src/renderer/index.html')).href

/** The desktop app beside a real `task-farm serve` (another process) that owns the same history. */
describe('the desktop app, when another process owns the history', () => {
  let dir: ReturnType<typeof tempDir>
  let db: string
  let served: Served
  let desktop: DesktopApp | null

  beforeEach(async () => {
    resetElectronMock()
    UtilityProcessMock.idle = true
    dir = tempDir('task-farm-desktop-attach-')
    db = join(dir.path, 'history.sqlite')
    vi.stubEnv('TASK_FARM_DB', db)
    app.getPath.mockImplementation((name: string) => join(dir.path, name))
    served = await startServe(db, dir.path)
    desktop = await DesktopApp.start()
    BrowserWindow.created[0]!.webContents.mainFrame.url = page
  })

  afterEach(async () => {
    dialog.showMessageBox.mockResolvedValue({ response: 1, checkboxChecked: false })
    await desktop?.quit()
    await served.stop()
    vi.unstubAllEnvs()
    dir.remove()
  })

  const call = (channel: string, request: unknown) =>
    ipcMain.invoke(
      ipcChannelFor(channel as never),
      { senderFrame: BrowserWindow.created[0]!.webContents.mainFrame },
      request,
    )

  it('attaches: the window’s calls and events are the owner’s, and quitting leaves its jobs running', async () => {
    expect(desktop!.inspect()).toMatchObject({ trayPresent: true, ownsFarm: false })
    expect(FarmLock.owner(db)?.pid).toBe(served.child.pid)
    const created = (await call('jobs.create', { spec: { kind: 'probe', count: 1, sleepMs: 60_000 } })) as {
      ok: boolean
      value: { jobId: number }
    }
    expect(created.ok).toBe(true)
    // Run by the owner's workers, not by utility processes of the app's own.
    await vi.waitFor(
      async () =>
        expect(await call('jobs.list', { states: ['running'] })).toMatchObject({ ok: true, value: { total: 1 } }),
      { timeout: 20_000 },
    )
    expect(forked).toHaveLength(0)
    // The owner's events reach the page as the app's own did.
    const { send } = BrowserWindow.created[0]!.webContents
    await vi.waitFor(() => expect(send.mock.calls.map(([name]) => name)).toContain(ipcEventFor('job.updated')), {
      timeout: 10_000,
    })
    // The tray counts the owner's jobs, and its Pause all pauses the owner's pools.
    const tray = TrayMock.created[0]!
    await vi.waitFor(() => expect(tray.tooltip).toBe('Task Farm — 1 running'), { timeout: 10_000 })
    tray.menu!.click('Pause all pools')
    await vi.waitFor(
      async () => {
        const pools = (await call('pools.list', {})) as { value: { paused: boolean }[] }
        expect(pools.value.every((pool) => pool.paused)).toBe(true)
      },
      { timeout: 10_000 },
    )

    await desktop!.quit()
    expect(dialog.showMessageBox).not.toHaveBeenCalled()
    expect(app.quit).toHaveBeenCalledTimes(1)
    const owner = await findOwner(db)
    expect(owner).not.toBeNull()
    await expect(owner!.call('jobs.list', { states: ['running'] })).resolves.toMatchObject({ total: 1 })
    owner!.close()
    desktop = null
  })

  it('takes over when the owner goes away, and its window keeps working', async () => {
    expect(desktop!.inspect().ownsFarm).toBe(false)
    expect(await served.stop()).toBe(0)
    await vi.waitFor(() => expect(desktop!.inspect().ownsFarm).toBe(true), { timeout: 20_000 })
    expect(FarmLock.owner(db)).toMatchObject({ pid: process.pid, endpoint: expect.any(String) })
    expect(await call('jobs.list', {})).toMatchObject({ ok: true, value: { total: 0 } })
    await call('jobs.create', { spec: { kind: 'probe', count: 1, sleepMs: 0 } })
    // The app's own workers now: utility processes.
    await vi.waitFor(() => expect(forked.length).toBeGreaterThan(0), { timeout: 10_000 })
    expect(app.getAppMetrics).toHaveBeenCalled()
  })
})
