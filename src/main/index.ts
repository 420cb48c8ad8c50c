import { app } from 'electron'
import { resolve } from 'node:path'
import { droppedPathsFromArgv } from './decisions/dropped-paths'
import { DesktopApp } from './desktop-app'
import { lockDownContents, lockDownSessions } from './main-window'
import { reportStartFailure } from './start-failure'

/** Windows groups the taskbar button and attributes notifications by this id (electron-builder's appId). */
const appUserModelId = 'org.taskfarm.app'

let desktop: DesktopApp | null = null

// `--user-data-dir=PATH` keeps everything (history, resume list, Chromium's own data, the
// single-instance lock) in PATH: the launch test runs on a temporary folder this way.
const userDataDir = app.commandLine.getSwitchValue('user-data-dir')
if (userDataDir) app.setPath('userData', resolve(userDataDir))

// The launch test (test/electron) reads what Electron has no public API for, such as the tray.
if (process.env.TASK_FARM_LAUNCH_TEST === '1') Object.assign(globalThis, { taskFarmShell: () => desktop?.inspect() })

/** Paths that arrived before the window existed (macOS `open-file` at launch, argv of the first launch). */
let pendingPaths: string[] = droppedPathsFromArgv(process.argv, process.cwd(), { isPackaged: app.isPackaged })

// One farm per history: a second launch hands its paths to the first and leaves.
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  if (process.platform === 'win32') app.setAppUserModelId(appUserModelId)

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const paths = droppedPathsFromArgv(argv, workingDirectory, { isPackaged: app.isPackaged })
    if (desktop) desktop.openPaths(paths)
    else pendingPaths.push(...paths)
  })

  // macOS delivers files dropped on the Dock icon this way, also before the app is ready.
  app.on('open-file', (event, path) => {
    event.preventDefault()
    if (desktop) desktop.openPaths([path])
    else pendingPaths.push(path)
  })

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents))

  // Held until the farm has stopped: a second Cmd+Q during that waits too (DesktopApp.beforeQuit).
  app.on('before-quit', (event) => desktop?.beforeQuit(event))

  // The window's close decides between tray and quit; the app lives on in the tray meanwhile.
  app.on('window-all-closed', () => undefined)

  app.on('activate', () => desktop?.showWindow())

  app
    .whenReady()
    .then(async () => {
      lockDownSessions()
      desktop = await DesktopApp.start()
      if (pendingPaths.length > 0) desktop.openPaths(pendingPaths)
      pendingPaths = []
    })
    .catch((error: unknown) => {
      reportStartFailure(error)
      app.exit(1)
    })
}
