import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMainWindow, lockDownContents, lockDownSessions } from '../../../src/main/main-window'
import { BrowserWindow, resetElectronMock, session, shell, WebContentsMock } from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

/** The page main-window.ts trusts: `renderer/index.html` beside main's folder (here, src/). */
const page = pathToFileURL(resolve('src/renderer/index.html')).href

describe('the window and its session', () => {
  beforeEach(() => resetElectronMock())

  it('opens the page sandboxed, isolated, without Node, shown once ready', () => {
    const window = createMainWindow('/app/icon.png')
    const prefs = (BrowserWindow.created[0]!.options as { webPreferences: Record<string, unknown> }).webPreferences
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false })
    expect(String(prefs.preload)).toMatch(/preload[/\\]index\.cjs$/)
    expect((window as unknown as InstanceType<typeof BrowserWindow>).loadFile).toHaveBeenCalled()
  })

  it('lets the app page write to the clipboard ("Copy failures") and refuses everything else', () => {
    lockDownSessions()
    const check = session.defaultSession.setPermissionCheckHandler.mock.calls[0]![0] as (...args: unknown[]) => boolean
    const request = session.defaultSession.setPermissionRequestHandler.mock.calls[0]![0] as (...args: unknown[]) => void
    const ours = { isMainFrame: true, requestingUrl: page }
    expect(check(null, 'clipboard-sanitized-write', 'file://', ours)).toBe(true)
    expect(check(null, 'clipboard-sanitized-write', 'file://', { ...ours, isMainFrame: false })).toBe(false)
    expect(check(null, 'notifications', 'file://', ours)).toBe(false)
    // A check without the frame's URL is judged by what its contents show.
    const showing = (url: string) => Object.assign(new WebContentsMock(), { getURL: () => url })
    expect(check(showing(page), 'clipboard-sanitized-write', 'file://', { isMainFrame: true })).toBe(true)
    expect(check(showing('https://example.org/'), 'clipboard-sanitized-write', '', { isMainFrame: true })).toBe(false)
    expect(check(showing(page), 'clipboard-sanitized-write', 'file://', { isMainFrame: false })).toBe(false)
    const answers: boolean[] = []
    request(null, 'clipboard-sanitized-write', (granted: boolean) => answers.push(granted), ours)
    request(null, 'clipboard-read', (granted: boolean) => answers.push(granted), ours)
    request(null, 'clipboard-sanitized-write', (granted: boolean) => answers.push(granted), {
      ...ours,
      requestingUrl: 'https://example.org/',
    })
    expect(answers).toEqual([true, false, false])
  })

  it('puts the one CSP on every response', () => {
    lockDownSessions()
    const onHeaders = session.defaultSession.webRequest.onHeadersReceived.mock.calls[0]![0] as (
      details: unknown,
      callback: (response: { responseHeaders: Record<string, string[]> }) => void,
    ) => void
    let headers: Record<string, string[]> = {}
    onHeaders({ responseHeaders: { 'X-Other': ['1'] } }, (response) => (headers = response.responseHeaders))
    expect(headers['X-Other']).toEqual(['1'])
    expect(headers['Content-Security-Policy']?.[0]).toContain("script-src 'self';")
  })

  it('keeps every web contents on the app: no navigation, no webviews, links to the browser', () => {
    const contents = new WebContentsMock()
    lockDownContents(contents as never)
    expect(contents.emitCancellable('will-navigate', { url: 'https://example.org/' })).toBe(true)
    expect(contents.emitCancellable('will-navigate', { url: page })).toBe(true)
    expect(contents.emitCancellable('will-redirect', { url: 'file:///etc/passwd' })).toBe(true)
    expect(contents.emitCancellable('will-attach-webview', {})).toBe(true)
    const openHandler = contents.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => unknown
    expect(openHandler({ url: 'https://example.org/' })).toEqual({ action: 'deny' })
    expect(openHandler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(shell.openExternal.mock.calls).toEqual([['https://example.org/']])
  })
})

describe('while developing on the dev server', () => {
  beforeEach(() => {
    resetElectronMock()
    vi.resetModules()
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173/')
    return () => void vi.unstubAllEnvs()
  })

  it("lets the dev server's page reload itself (Vite's full reload), nothing else", async () => {
    const { lockDownContents: lockDown } = await import('../../../src/main/main-window')
    const contents = new WebContentsMock()
    lockDown(contents as never)
    expect(contents.emitCancellable('will-navigate', { url: 'http://localhost:5173/' })).toBe(false)
    expect(contents.emitCancellable('will-navigate', { url: 'http://localhost:5174/' })).toBe(true)
    expect(contents.emitCancellable('will-navigate', { url: 'https://example.org/' })).toBe(true)
  })
})
