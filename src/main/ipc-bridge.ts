import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { apiChannelNames, type ApiEvent } from '../shared/api'
import { ipcChannelFor, ipcEventFor } from '../shared/bridge'
import { desktopChannelNames, type DesktopEvent } from '../shared/desktop-api'
import { createIpcDispatch, type DispatchOptions } from './ipc-dispatch'

export type { ApiHandlers } from '../core/api-handlers'
export type { DesktopHandlers } from './ipc-dispatch'

export interface BridgeOptions extends DispatchOptions {
  /** Only the app's own page in the main window may call; frames, other windows and pages never. */
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean
}

/**
 * One `ipcMain.handle` per channel of the contracts; what each does with a call (sender check,
 * validation, the save-dialog rule for exports) is `createIpcDispatch`, which needs no Electron.
 */
export function registerIpcBridge(options: BridgeOptions): () => void {
  const dispatch = createIpcDispatch(options)
  const registered: string[] = []
  for (const channel of [...apiChannelNames, ...desktopChannelNames]) {
    const name = ipcChannelFor(channel)
    registered.push(name)
    ipcMain.handle(name, (event, raw: unknown) => dispatch(channel, raw, options.isTrustedSender(event)))
  }
  return () => {
    for (const name of registered) ipcMain.removeHandler(name)
  }
}

/** Sends an event to the page, if it is still there to hear it. */
export function sendToPage(contents: WebContents | null, event: ApiEvent | DesktopEvent, payload: unknown): void {
  if (contents && !contents.isDestroyed()) contents.send(ipcEventFor(event), payload)
}
