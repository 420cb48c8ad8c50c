import { app, dialog, type BrowserWindow } from 'electron'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { UpdateFlow, type Updater, type UpdateStatus } from './decisions/update-flow'
import { macSignatureKind, updatesOffReason, type MacSignature } from './decisions/update-policy'

/**
 * The app's updates: electron-updater against the project's GitHub Releases (electron-builder.yml's
 * `publish`, written into the packaged app's app-update.yml), asked for in Settings, downloaded
 * only when the person agrees. `updater` replaces electron-updater in tests (a local feed).
 */
export async function createUpdateFlow(options: {
  window: () => BrowserWindow | null
  /** News for the window: an update found by the quiet look at startup, or one downloaded and ready. */
  announce: (title: string, status: UpdateStatus) => void
  updater?: () => Promise<Updater>
  /** When to look quietly for a newer release after start (null: never, as in most tests). */
  quietLookAfterMs?: number | null
}): Promise<UpdateFlow> {
  const macSignature = process.platform === 'darwin' && app.isPackaged ? await appSignature() : null
  const offReason = updatesOffReason({ isPackaged: app.isPackaged, platform: process.platform, macSignature })
  const flow = new UpdateFlow({
    updater: offReason ? null : (options.updater ?? electronUpdater),
    offReason: offReason ?? '',
    currentVersion: app.getVersion(),
    ask: async (version) => {
      const question = {
        type: 'info' as const,
        message: `Task Farm ${version} is available.`,
        detail: `You have ${app.getVersion()}. Download it now? It installs when you quit Task Farm.`,
        buttons: ['Download', 'Not now'],
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      }
      const parent = options.window()
      const answer =
        parent && !parent.isDestroyed() && parent.isVisible()
          ? await dialog.showMessageBox(parent, question)
          : await dialog.showMessageBox(question)
      return answer.response === 0
    },
    ready: (status) => options.announce('Update ready', status),
  })
  const lookAfterMs = options.quietLookAfterMs === undefined ? 15_000 : options.quietLookAfterMs
  if (!offReason && lookAfterMs !== null) {
    const look = (): void =>
      void flow.lookQuietly().then((found) => found && options.announce('Update available', found))
    setTimeout(look, lookAfterMs).unref()
  }
  return flow
}

/** Loaded only when updates are on: electron-updater's autoUpdater needs Electron itself. */
async function electronUpdater(): Promise<Updater> {
  const { default: updater } = await import('electron-updater')
  return updater.autoUpdater
}

/** The packaged bundle's signature (…/Task Farm.app, three levels above the executable). */
function appSignature(): Promise<MacSignature> {
  const bundle = join(app.getPath('exe'), '..', '..', '..')
  return new Promise((resolve) =>
    execFile(
      'codesign',
      ['--display', '--verbose=2', bundle],
      { timeout: 5000, windowsHide: true },
      (_error, stdout, stderr) => resolve(macSignatureKind(`${stdout}\n${stderr}`)),
    ),
  )
}
