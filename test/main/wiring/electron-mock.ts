/*
 * The parts of Electron the shell uses, for its wiring tests under Node (after electron/fiddle's
 * tests/mocks/electron.ts). Electron's APIs exist only inside its own binary, and requiring the
 * `electron` package here would try to download that binary, so a test file says
 *
 *   vi.mock('electron', () => import('./electron-mock'))
 *
 * and drives the mocks below: invoke an `ipcMain` handler, emit a window or process event, read
 * what was shown. `resetElectronMock()` in a `beforeEach` starts every test from a fresh app.
 */
import { EventEmitter } from 'node:events'
import { PassThrough } from 'node:stream'
import { vi } from 'vitest'

type Handler = (event: unknown, ...args: unknown[]) => unknown

export class IpcMainMock extends EventEmitter {
  readonly handlers = new Map<string, Handler>()
  readonly handle = vi.fn((channel: string, handler: Handler) => {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, handler)
  })
  readonly removeHandler = vi.fn((channel: string) => void this.handlers.delete(channel))

  /** What `ipcRenderer.invoke(channel, request)` from `sender` would get back. */
  async invoke(channel: string, event: unknown, request: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    return handler(event, request)
  }
}

/** A frame as `event.senderFrame` gives it. */
export class WebFrameMainMock {
  constructor(public url: string) {}
}

export class WebContentsMock extends EventEmitter {
  readonly mainFrame: WebFrameMainMock
  readonly send = vi.fn()
  readonly setWindowOpenHandler = vi.fn()
  readonly isDestroyed = vi.fn(() => false)
  readonly isLoading = vi.fn(() => false)
  readonly getURL = vi.fn(() => this.mainFrame.url)

  constructor(url = 'file:///app/out/renderer/index.html') {
    super()
    this.mainFrame = new WebFrameMainMock(url)
  }

  /** Emits a cancellable Electron event (`will-navigate`…); true when a listener prevented it. */
  emitCancellable(name: string, details: Record<string, unknown>): boolean {
    let prevented = false
    this.emit(name, { ...details, preventDefault: () => (prevented = true) })
    return prevented
  }
}

export class BrowserWindowMock extends EventEmitter {
  static readonly created: BrowserWindowMock[] = []
  readonly webContents = new WebContentsMock()
  visible = true
  minimized = false
  destroyed = false
  readonly show = vi.fn(() => void (this.visible = true))
  readonly hide = vi.fn(() => void (this.visible = false))
  readonly focus = vi.fn()
  readonly restore = vi.fn(() => void (this.minimized = false))
  readonly loadFile = vi.fn(async () => undefined)
  readonly loadURL = vi.fn(async () => undefined)
  readonly setProgressBar = vi.fn()
  readonly isVisible = vi.fn(() => this.visible)
  readonly isMinimized = vi.fn(() => this.minimized)
  readonly isDestroyed = vi.fn(() => this.destroyed)

  constructor(readonly options: Record<string, unknown> = {}) {
    super()
    BrowserWindowMock.created.push(this)
  }
}

export class NotificationMock extends EventEmitter {
  static readonly created: NotificationMock[] = []
  static supported = true
  static readonly isSupported = vi.fn(() => NotificationMock.supported)
  readonly show = vi.fn()
  readonly close = vi.fn()

  constructor(readonly options: { title: string; body: string; icon?: string }) {
    super()
    NotificationMock.created.push(this)
  }
}

export class TrayMock extends EventEmitter {
  static readonly created: TrayMock[] = []
  menu: MenuMock | null = null
  tooltip = ''
  readonly setContextMenu = vi.fn((menu: MenuMock) => void (this.menu = menu))
  readonly setToolTip = vi.fn((tooltip: string) => void (this.tooltip = tooltip))
  readonly setImage = vi.fn((image: NativeImageMock) => void (this.image = image))
  destroyed = false
  readonly destroy = vi.fn(() => void (this.destroyed = true))
  readonly isDestroyed = vi.fn(() => this.destroyed)

  constructor(public image: NativeImageMock) {
    super()
    TrayMock.created.push(this)
  }
}

interface MenuItemTemplate {
  label?: string
  type?: string
  enabled?: boolean
  click?: () => void
}

export class MenuMock {
  static readonly buildFromTemplate = vi.fn((template: MenuItemTemplate[]) => new MenuMock(template))
  constructor(readonly items: MenuItemTemplate[]) {}

  /** Clicks the item with this label, as the person would. */
  click(label: string): void {
    const item = this.items.find((i) => i.label === label)
    if (!item?.click) throw new Error(`no clickable menu item '${label}'`)
    item.click()
  }
}

export class NativeImageMock {
  readonly setTemplateImage = vi.fn()
  constructor(readonly path: string) {}
}

/**
 * A utility process: the test plays the child by emitting `message`/`exit`, and reads `posted`.
 * With `UtilityProcessMock.idle = true` it plays a worker that says `ready`, takes tasks and never
 * finishes them, leaves on `shutdown` and dies when killed, so a whole farm can run on it.
 */
export class UtilityProcessMock extends EventEmitter {
  static nextPid = 4000
  static idle = false
  readonly pid = UtilityProcessMock.nextPid++
  readonly stdout = new PassThrough()
  readonly stderr = new PassThrough()
  readonly posted: unknown[] = []
  readonly postMessage = vi.fn((message: unknown) => {
    this.posted.push(message)
    if (UtilityProcessMock.idle && (message as { type?: string }).type === 'shutdown') this.exitSoon(0)
  })
  readonly kill = vi.fn(() => {
    if (UtilityProcessMock.idle) this.exitSoon(9)
    return true
  })

  constructor(
    readonly modulePath: string,
    readonly options: { serviceName?: string },
  ) {
    super()
    if (UtilityProcessMock.idle) setImmediate(() => this.emit('message', { type: 'ready' }))
  }

  private exitSoon(code: number): void {
    setImmediate(() => this.emit('exit', code))
  }
}

export const app = Object.assign(new EventEmitter(), {
  name: 'Task Farm',
  isPackaged: false,
  ready: true,
  isReady: vi.fn((): boolean => app.ready),
  whenReady: vi.fn(async () => undefined),
  quit: vi.fn(),
  exit: vi.fn(),
  focus: vi.fn(),
  getAppMetrics: vi.fn((): unknown[] => []),
  getVersion: vi.fn(() => '0.1.0'),
  getPath: vi.fn((name: string) => `/tmp/task-farm-mock/${name}`),
  requestSingleInstanceLock: vi.fn(() => true),
  setAppUserModelId: vi.fn(),
  setPath: vi.fn(),
  commandLine: { getSwitchValue: vi.fn((_name: string) => '') },
})

export const ipcMain = new IpcMainMock()

export const dialog = {
  showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 2, checkboxChecked: false })),
  showErrorBox: vi.fn(),
  showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })),
  showSaveDialog: vi.fn(async () => ({ canceled: true, filePath: '' })),
}

export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: vi.fn() },
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
  },
}

export const shell = { openExternal: vi.fn(async () => undefined), showItemInFolder: vi.fn() }
export const clipboard = { writeText: vi.fn(), readText: vi.fn(() => '') }
/** The system's light or dark theme; emit `updated` after changing it, as Electron does. */
export const nativeTheme = Object.assign(new EventEmitter(), {
  shouldUseDarkColors: false,
  shouldUseDarkColorsForSystemIntegratedUI: false,
})
/** Blockers started and not stopped, by id. */
export const powerSaveBlocker = Object.assign(
  { active: new Set<number>(), nextId: 1 },
  {
    start: vi.fn((_type: string) => {
      const id = powerSaveBlocker.nextId++
      powerSaveBlocker.active.add(id)
      return id
    }),
    stop: vi.fn((id: number) => powerSaveBlocker.active.delete(id)),
    isStarted: vi.fn((id: number) => powerSaveBlocker.active.has(id)),
  },
)
/** `shutdown` (Linux, macOS) comes with an event whose preventDefault delays the OS. */
export const powerMonitor = new EventEmitter()
export const nativeImage = { createFromPath: vi.fn((path: string) => new NativeImageMock(path)) }
export const utilityProcess = {
  fork: vi.fn((modulePath: string, _args: string[], options: { serviceName?: string }) => {
    const child = new UtilityProcessMock(modulePath, options)
    forked.push(child)
    return child
  }),
}
/** Every utility process forked since the last reset, in order. */
export const forked: UtilityProcessMock[] = []

export const contextBridge = { exposeInMainWorld: vi.fn() }
export const ipcRenderer = Object.assign(new EventEmitter(), { invoke: vi.fn() })
export const webUtils = { getPathForFile: vi.fn(() => '/dropped/file') }

export { BrowserWindowMock as BrowserWindow, MenuMock as Menu, NotificationMock as Notification, TrayMock as Tray }

/**
 * A fresh start for the next test: handlers, created objects and call records gone. `app`'s
 * listeners stay, as they do in a real app: the shell registers some once per process.
 */
export function resetElectronMock(): void {
  vi.clearAllMocks()
  Object.assign(app, { isPackaged: false, ready: true })
  ipcMain.handlers.clear()
  ipcMain.removeAllListeners()
  ipcRenderer.removeAllListeners()
  BrowserWindowMock.created.length = 0
  NotificationMock.created.length = 0
  NotificationMock.supported = true
  TrayMock.created.length = 0
  Object.assign(nativeTheme, { shouldUseDarkColors: false, shouldUseDarkColorsForSystemIntegratedUI: false })
  nativeTheme.removeAllListeners()
  powerSaveBlocker.active.clear()
  powerMonitor.removeAllListeners()
  forked.length = 0
  UtilityProcessMock.idle = false
  // The person's default answer to the quit question: "Keep running".
  dialog.showMessageBox.mockResolvedValue({ response: 2, checkboxChecked: false })
}
