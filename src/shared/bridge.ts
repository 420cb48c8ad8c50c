import type { ApiChannel, ApiEvent, FarmApi } from './api'
import type { DesktopChannel, DesktopEvent, DesktopEventPayload, DesktopRequest, DesktopResponse } from './desktop-api'

/**
 * What the desktop app's preload puts on `window.taskFarm`: the contract's API (plus the desktop
 * channels and events of desktop-api.ts through the same two functions) and, for drag-and-drop,
 * the real path of a dropped file (Electron removed `File.path`).
 */
export interface TaskFarmBridge extends FarmApi {
  call: FarmApi['call'] &
    (<C extends DesktopChannel>(channel: C, request: DesktopRequest<C>) => Promise<DesktopResponse<C>>)
  on: FarmApi['on'] &
    (<E extends DesktopEvent>(event: E, listener: (payload: DesktopEventPayload<E>) => void) => () => void)
  getPathForFile(file: File): string
}

/** IPC channel names, derived from the contracts so the preload and main can never disagree. */
export const ipcChannelFor = (channel: ApiChannel | DesktopChannel): string => `task-farm:call:${channel}`
export const ipcEventFor = (event: ApiEvent | DesktopEvent): string => `task-farm:event:${event}`
