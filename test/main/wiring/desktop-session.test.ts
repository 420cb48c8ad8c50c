import Database from 'better-sqlite3'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DesktopApp } from '../../../src/main/desktop-app'
import { ipcChannelFor } from '../../../src/shared/bridge'
import {
  app,
  BrowserWindow,
  dialog,
  forked,
  ipcMain,
  powerMonitor,
  powerSaveBlocker,
  resetElectronMock,
  UtilityProcessMock,
} from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

const page = pathToFileURL(resolve('src/renderer/index.html')).href
const waitLong = { timeout: 15_000 }

/** The machine kept awake, and the OS ending the session: logout, shutdown, SIGTERM, SIGHUP. */
describe('the desktop app and the desktop session', () => {
  let dir: string
  let desktop: DesktopApp

  const start = async (): Promise<void> => {
    desktop = await DesktopApp.start()
    BrowserWindow.created[0]!.webContents.mainFrame.url = page
  }
  const call = async (channel: string, request: unknown): Promise<unknown> => {
    const frame = BrowserWindow.created[0]!.webContents.mainFrame
    const result = (await ipcMain.invoke(ipcChannelFor(channel as never), { senderFrame: frame }, request)) as {
      ok: boolean
      value: unknown
    }
    expect(result).toMatchObject({ ok: true })
    return result.value
  }
  /** A probe job whose units the idle mock workers take and never finish: it stays running. */
  const runningJob = async (): Promise<number> => {
    const { jobId } = (await call('jobs.create', { spec: { kind: 'probe', count: 3, sleepMs: 0 } })) as {
      jobId: number
    }
    await vi.waitFor(async () => {
      const listed = (await call('jobs.list', { states: ['running'] })) as { total: number }
      expect(listed.total).toBe(1)
    }, waitLong)
    return jobId
  }
  const stateOf = (jobId: number): string => {
    const db = new Database(join(dir, 'history.sqlite'), { readonly: true })
    try {
      return (db.prepare('SELECT state FROM jobs WHERE id = ?').get(jobId) as { state: string }).state
    } finally {
      db.close()
    }
  }
  const resumeList = (): unknown => JSON.parse(readFileSync(join(dir, 'userData', 'resume-on-start.json'), 'utf8'))

  beforeEach(() => {
    resetElectronMock()
    UtilityProcessMock.idle = true
    dir = mkdtempSync(join(tmpdir(), 'task-farm-session-'))
    vi.stubEnv('TASK_FARM_DB', join(dir, 'history.sqlite'))
    app.getPath.mockImplementation((name: string) => join(dir, name))
  })

  afterEach(async () => {
    dialog.showMessageBox.mockResolvedValue({ response: 1, checkboxChecked: false })
    await desktop?.quit()
    vi.unstubAllEnvs()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps the machine awake from the first running job until the farm is idle', async () => {
    await start()
    const jobId = await runningJob()
    await vi.waitFor(() => expect(powerSaveBlocker.start).toHaveBeenCalledWith('prevent-app-suspension'), waitLong)
    expect(powerSaveBlocker.active.size).toBe(1)
    await call('jobs.cancel', { jobId })
    // The idle workers never finish a task: play the one that gets the cancel's clean-up, which a
    // cancel always runs before the job ends.
    const cleanup = await vi.waitFor(() => {
      for (const child of forked)
        for (const message of child.posted as { type?: string; taskId?: number }[])
          if (message.type === 'cleanup') return { child, taskId: message.taskId! }
      throw new Error('no clean-up task yet')
    }, waitLong)
    cleanup.child.emit('message', { type: 'done', taskId: cleanup.taskId, rss: 0 })
    await vi.waitFor(() => expect(powerSaveBlocker.active.size).toBe(0), waitLong)
    expect(powerSaveBlocker.start).toHaveBeenCalledTimes(1)
  })

  const endings: [string, () => unknown][] = [
    ['SIGTERM', () => process.emit('SIGTERM', 'SIGTERM')],
    ['SIGHUP (a closed terminal)', () => process.emit('SIGHUP', 'SIGHUP')],
    ['a Windows log-off (session-end)', () => BrowserWindow.created[0]!.emit('session-end', { reasons: ['logoff'] })],
  ]
  it.each(endings)(
    '%s pauses running jobs into the resume list without asking, stops the farm, and quits',
    async (_name, end) => {
      await start()
      const jobId = await runningJob()
      end()
      await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1), waitLong)
      expect(dialog.showMessageBox).not.toHaveBeenCalled()
      expect(resumeList()).toEqual({ jobIds: [jobId] })
      expect(stateOf(jobId)).toBe('interrupted')
      expect(desktop.isQuitting).toBe(true)
      // Its signal handlers went with it: a later signal is not handled by a closed app.
      expect(process.listenerCount('SIGTERM')).toBe(0)
    },
  )

  it('a shutdown (powerMonitor) is delayed while the jobs pause, then the app quits', async () => {
    await start()
    const jobId = await runningJob()
    const shutdown = { preventDefault: vi.fn() }
    powerMonitor.emit('shutdown', shutdown)
    expect(shutdown.preventDefault).toHaveBeenCalled()
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1), waitLong)
    expect(resumeList()).toEqual({ jobIds: [jobId] })
    expect(dialog.showMessageBox).not.toHaveBeenCalled()
  })

  it('holds a second quit while the farm is shutting down, and quits once it is down', async () => {
    await start()
    await runningJob()
    await vi.waitFor(() => expect(powerSaveBlocker.active.size).toBe(1), waitLong)
    // The second Cmd+Q arrives in the middle of the graceful shutdown (keep-awake is released there).
    const second = { preventDefault: vi.fn() }
    let quitAlready = true
    powerSaveBlocker.stop.mockImplementationOnce((id: number) => {
      desktop.beforeQuit(second)
      quitAlready = app.quit.mock.calls.length > 0
      return powerSaveBlocker.active.delete(id)
    })
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false }) // "Pause and quit"
    await desktop.quit()
    expect(second.preventDefault).toHaveBeenCalled()
    expect(quitAlready).toBe(false)
    expect(app.quit).toHaveBeenCalledTimes(1)
    // Once the farm is down, Electron's own quit goes through.
    const last = { preventDefault: vi.fn() }
    desktop.beforeQuit(last)
    expect(last.preventDefault).not.toHaveBeenCalled()
  })

  it('offers no "Close to tray" where nothing shows a tray (stock GNOME): closing the window quits', async () => {
    vi.stubEnv('XDG_CURRENT_DESKTOP', 'GNOME')
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', `unix:path=${join(dir, 'no-bus')}`)
    await start()
    expect(await call('desktop.shellInfo', {})).toMatchObject({ tray: false })
    await call('settings.set', { closeToTray: true })
    const window = BrowserWindow.created[0]!
    const close = { preventDefault: vi.fn() }
    window.emit('close', close)
    expect(window.hide).not.toHaveBeenCalled()
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1), waitLong)
    expect(existsSync(join(dir, 'userData', 'resume-on-start.json'))).toBe(false)
  })
})
