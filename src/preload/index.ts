import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { apiChannelNames, apiEventNames, type ApiChannel, type ApiEvent, type ApiResult } from '../shared/api'
import { ipcChannelFor, ipcEventFor, type TaskFarmBridge } from '../shared/bridge'
import { desktopChannelNames, desktopEventNames, type DesktopChannel, type DesktopEvent } from '../shared/desktop-api'

/**
 * The renderer's only door to the farm: `window.taskFarm`, exactly the contract's API plus
 * `getPathForFile` for drag-and-drop. No raw `ipcRenderer` leaves this file, and only channel and
 * event names from the contracts go through it.
 */
const channels = new Set<string>([...apiChannelNames, ...desktopChannelNames])
const events = new Set<string>([...apiEventNames, ...desktopEventNames])

/** Rebuilds an error the renderer can show: the wire form carries message, code and `user`. */
function toError(error: Extract<ApiResult<unknown>, { ok: false }>['error']): Error {
  return Object.assign(new Error(error.message), { code: error.code, user: error.user })
}

async function call(channel: ApiChannel | DesktopChannel, request: unknown): Promise<unknown> {
  if (!channels.has(channel)) throw new Error(`Unknown farm channel: ${String(channel)}`)
  const result = (await ipcRenderer.invoke(ipcChannelFor(channel), request)) as ApiResult<unknown>
  if (!result.ok) throw toError(result.error)
  return result.value
}

function on(event: ApiEvent | DesktopEvent, listener: (payload: unknown) => void): () => void {
  if (!events.has(event)) throw new Error(`Unknown farm event: ${String(event)}`)
  // The IPC event object (with its sender) never reaches the page.
  const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload)
  ipcRenderer.on(ipcEventFor(event), wrapped)
  return () => void ipcRenderer.removeListener(ipcEventFor(event), wrapped)
}

const bridge = {
  call,
  on,
  getPathForFile: (file: File): string => webUtils.getPathForFile(file),
} as TaskFarmBridge

contextBridge.exposeInMainWorld('taskFarm', bridge)
