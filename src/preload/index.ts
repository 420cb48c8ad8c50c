import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { apiChannelNames, apiEventNames, type ApiChannel, type ApiEvent } from '../shared/api'
import type { ApiResult } from '../shared/api'
import type { TaskFarmBridge } from '../shared/bridge'
import { ipcChannelFor, ipcEventFor } from '../shared/bridge'

/**
 * The renderer's only door to the farm: `window.taskFarm`, exactly the contract's API plus
 * `getPathForFile` for drag-and-drop. No raw `ipcRenderer` leaves this file.
 */
const channels = new Set<string>(apiChannelNames)
const events = new Set<string>(apiEventNames)

/** Rebuilds an error the renderer can show: the wire form carries message, code and `user`. */
function rejectWith(result: Extract<ApiResult<unknown>, { ok: false }>): never {
  const error = new Error(result.error.message) as Error & { code?: string; user?: boolean }
  error.code = result.error.code
  error.user = result.error.user
  throw error
}

const bridge: TaskFarmBridge = {
  async call(channel: ApiChannel, request: unknown) {
    if (!channels.has(channel)) throw new Error(`Unknown farm channel: ${String(channel)}`)
    const result = (await ipcRenderer.invoke(ipcChannelFor(channel), request)) as ApiResult<unknown>
    if (!result.ok) rejectWith(result)
    return result.value as never
  },
  on(event: ApiEvent, listener: (payload: never) => void) {
    if (!events.has(event)) throw new Error(`Unknown farm event: ${String(event)}`)
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload as never)
    ipcRenderer.on(ipcEventFor(event), wrapped)
    return () => void ipcRenderer.removeListener(ipcEventFor(event), wrapped)
  },
  getPathForFile(file: File) {
    return webUtils.getPathForFile(file)
  },
}

contextBridge.exposeInMainWorld('taskFarm', bridge)
