import { BrowserWindow, session, shell, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { contentSecurityPolicy, isAllowedNavigation, isAppPage } from './decisions/app-page'
import { isPermissionGranted } from './decisions/app-permissions'
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

/**
 * Rules for every page the app ever shows: one CSP (the built page also carries it in a `<meta>`,
 * see electron.vite.config.ts), and only the clipboard write its "Copy" buttons need.
 */
export function lockDownSessions(): void {
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : null
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(devOrigin)] },
    })
  })
  // Chromium checks first and requests when the check says no: both answer the same.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted({ permission, ...details }, appEntryUrl)),
  )
  session.defaultSession.setPermissionCheckHandler((contents, permission, _origin, details) =>
    // A check may come without the frame's URL; the main frame's is then its contents' URL.
    isPermissionGranted(
      {
        permission,
        ...details,
        requestingUrl: details.requestingUrl ?? (details.isMainFrame ? contents?.getURL() : undefined),
      },
      appEntryUrl,
    ),
  )
}

/**
 * Every web contents, not just our window's: no navigation away (a dropped file, a link), no
 * webviews, no new windows (http(s) links go to the person's browser instead).
 */
export function lockDownContents(contents: WebContents): void {
  const stayOnPage = (event: { preventDefault(): void; url: string }): void => {
    if (!isAllowedNavigation(event.url, appEntryUrl, devServerUrl !== null)) event.preventDefault()
  }
  contents.on('will-navigate', stayOnPage)
  contents.on('will-redirect', stayOnPage)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url)
    return { action: 'deny' }
  })
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
  // Navigation, webviews and new windows are refused for it as for every web contents (index.ts).
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
