import { BrowserWindow, session, shell, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { contentSecurityPolicy, isAppPage } from './decisions/app-page'
import { isSafeExternalUrl } from './decisions/external-url'

const outDir = join(import.meta.dirname, '..')
/** Set by `electron-vite dev` to the renderer's dev server. */
const devServerUrl = process.env.ELECTRON_RENDERER_URL ?? null
const appEntryUrl = devServerUrl ?? pathToFileURL(join(outDir, 'renderer', 'index.html')).href

/** Opens a web link in the person's browser; anything that is not http(s) goes nowhere. */
export function openExternalSafely(url: string): boolean {
  if (!isSafeExternalUrl(url)) return false
  void shell.openExternal(url)
  return true
}

/** Rules for every page the app ever shows: one CSP, no permissions, no navigation, no new windows. */
export function lockDownSessions(): void {
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : null
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(devOrigin)] },
    })
  })
  // The page needs no camera, notifications or the like: main shows notifications itself.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
}

export function createMainWindow(icon: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Task Farm',
    icon,
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(outDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would otherwise open links in a new window, around setWindowOpenHandler.
      disableBlinkFeatures: 'Auxclick',
    },
  })
  const contents = window.webContents
  // Dropping a file must never navigate away from the app; the page handles drops itself.
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url)
    return { action: 'deny' }
  })
  window.once('ready-to-show', () => window.show())
  if (devServerUrl) void window.loadURL(devServerUrl)
  else void window.loadFile(join(outDir, 'renderer', 'index.html'))
  return window
}

/** Only the main frame of our window, showing our page, may talk to the farm. */
export function isTrustedSender(window: BrowserWindow | null, event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  if (!window || window.isDestroyed() || !frame) return false
  return frame === window.webContents.mainFrame && isAppPage(frame.url, appEntryUrl)
}
