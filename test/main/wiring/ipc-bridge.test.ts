import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createApiHandlers } from '../../../src/core/api-handlers'
import { registerIpcBridge, type DesktopHandlers } from '../../../src/main/ipc-bridge'
import { isTrustedSender } from '../../../src/main/main-window'
import { ipcChannelFor } from '../../../src/shared/bridge'
import { BrowserWindow, ipcMain, resetElectronMock, WebFrameMainMock } from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

describe('the IPC bridge, as main registers it', () => {
  let window: InstanceType<typeof BrowserWindow>
  // The real handlers (they validate every request) over a farm that only answers lists.
  const farm = { list: vi.fn(() => ({ jobs: [], total: 0 })), poolInfo: vi.fn(() => []) }
  const api = createApiHandlers(farm as never)
  const afterCall = vi.fn()

  beforeEach(() => {
    vi.clearAllMocks()
    resetElectronMock()
    window = new BrowserWindow()
    // main-window.ts resolves the built page next to the bundle: the frame shows exactly that page.
    window.webContents.mainFrame.url = pageUrl()
    registerIpcBridge({
      api,
      desktop: {} as DesktopHandlers,
      isTrustedSender: (event) => isTrustedSender(window as never, event),
      afterCall,
    })
  })

  const call = (channel: string, request: unknown, frame: unknown = window.webContents.mainFrame) =>
    ipcMain.invoke(ipcChannelFor(channel as never), { senderFrame: frame }, request)

  it('registers one handler per channel of both contracts', () => {
    expect(ipcMain.handlers.has('task-farm:call:jobs.create')).toBe(true)
    expect(ipcMain.handlers.has('task-farm:call:desktop.pickPaths')).toBe(true)
  })

  it('runs a valid call from the main frame of the window showing the app', async () => {
    await expect(call('jobs.list', { states: ['running'] })).resolves.toEqual({
      ok: true,
      value: { jobs: [], total: 0 },
    })
    // The schema's defaults are applied before the farm sees the request.
    expect(farm.list).toHaveBeenCalledWith({ states: ['running'], limit: 100, offset: 0 })
    expect(afterCall).toHaveBeenCalledWith('jobs.list', { jobs: [], total: 0 })
  })

  it('refuses a sub-frame, a navigated-away frame, and a frame of another window', async () => {
    const other = new BrowserWindow()
    other.webContents.mainFrame.url = pageUrl()
    for (const frame of [new WebFrameMainMock(pageUrl()), other.webContents.mainFrame, null]) {
      const result = (await call('pools.list', {}, frame)) as { ok: boolean; error: { message: string } }
      expect(result.ok).toBe(false)
      expect(result.error.message).toBe("Refused pools.list from a frame that is not the app's own page.")
    }
    window.webContents.mainFrame.url = 'https://example.org/'
    expect(await call('pools.list', {})).toMatchObject({ ok: false })
    expect(farm.list).not.toHaveBeenCalled()
    expect(farm.poolInfo).not.toHaveBeenCalled()
  })

  it('refuses a malformed request as a user error, before the farm sees it', async () => {
    const result = await call('jobs.list', { limit: 'all' })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request', user: true } })
    expect((result as { error: { message: string } }).error.message).toMatch(/limit/)
    expect(farm.list).not.toHaveBeenCalled()
    expect(farm.poolInfo).not.toHaveBeenCalled()
  })

  it('refuses everything once the window is gone', async () => {
    window.destroyed = true
    expect(await call('pools.list', {})).toMatchObject({ ok: false })
  })
})

/** The page main-window.ts trusts: `renderer/index.html` beside main's folder (here, src/). */
function pageUrl(): string {
  return pathToFileURL(resolve('src/renderer/index.html')).href
}
