import { dialog, shell, type BrowserWindow, type OpenDialogOptions, type SaveDialogOptions } from 'electron'
import { UserError } from '../shared/user-error'
import type { TrayAction } from './decisions/tray-label'
import type { UpdateFlow } from './decisions/update-flow'
import type { ApiHandlers, DesktopHandlers } from './ipc-bridge'
import { openExternalSafely } from './main-window'

/** What the page may ask of the OS: native pickers, the shell, and the app's own updates, nothing more. */
export function createDesktopHandlers(
  window: () => BrowserWindow | null,
  app: { trayAvailable: () => boolean; updates: () => UpdateFlow },
): DesktopHandlers {
  return {
    async 'desktop.pickPaths'(request) {
      const parent = window()
      if (request.mode === 'save') {
        // The dialog asks before replacing a file (Linux needs the flag): the bridge relies on that.
        const options: SaveDialogOptions = {
          title: request.title,
          defaultPath: request.defaultPath,
          filters: request.filters,
          properties: ['showOverwriteConfirmation', 'createDirectory'],
        }
        const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options)
        return { paths: result.canceled || !result.filePath ? [] : [result.filePath] }
      }
      const options: OpenDialogOptions = {
        title: request.title,
        defaultPath: request.defaultPath,
        filters: request.filters,
        properties:
          request.mode === 'folder'
            ? ['openDirectory', 'createDirectory']
            : ['openFile', 'multiSelections', 'showHiddenFiles'],
      }
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options)
      return { paths: result.canceled ? [] : result.filePaths }
    },
    async 'desktop.openExternal'({ url }) {
      if (!openExternalSafely(url)) throw new UserError('Only http and https links can be opened.', 'unsafe-url')
      return { ok: true }
    },
    async 'desktop.showItem'({ path }) {
      shell.showItemInFolder(path)
      return { ok: true }
    },
    async 'desktop.shellInfo'() {
      return { tray: app.trayAvailable(), updates: app.updates().current }
    },
    async 'desktop.checkForUpdates'() {
      return app.updates().check()
    },
  }
}

/** The tray's "Pause all pools" / "Resume all pools", through the window's own handlers. */
export function setAllPools(api: ApiHandlers, action: Exclude<TrayAction, 'show' | 'quit'>): void {
  const channel = action === 'pause-all' ? 'pools.pause' : 'pools.resume'
  void api
    .handle('pools.list', {})
    .then((pools) => Promise.all(pools.map((pool) => api.handle(channel, { pool: pool.name }))))
    .catch((error: unknown) => console.error(`${channel} from the tray failed:`, error))
}
