import type { ApiChannel, ApiEvent, FarmApi } from './api'

/**
 * What the desktop app's preload puts on `window.taskFarm`: the contract's API and, for
 * drag-and-drop, the real path of a dropped file (Electron removed `File.path`).
 */
export interface TaskFarmBridge extends FarmApi {
  getPathForFile(file: File): string
}

/** IPC channel names, derived from the contract so the preload and main can never disagree. */
export const ipcChannelFor = (channel: ApiChannel): string => `task-farm:call:${channel}`
export const ipcEventFor = (event: ApiEvent): string => `task-farm:event:${event}`
