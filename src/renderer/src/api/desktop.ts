import type { TaskFarmBridge } from '../../../shared/bridge'
import { farmApi } from './ui-api'

/**
 * The desktop app's extra channels (native dialogs, the OS file manager), or null in a browser.
 * Only Electron's preload gives `getPathForFile`, so that is how the desktop is recognised.
 */
export function desktopBridge(): TaskFarmBridge | null {
  const api = farmApi()
  return api.getPathForFile ? (api as unknown as TaskFarmBridge) : null
}

/** A native folder/file picker; undefined when cancelled or in a browser. */
export async function pickPath(mode: 'folder' | 'files' | 'save', defaultPath?: string): Promise<string | undefined> {
  const desktop = desktopBridge()
  if (!desktop) return undefined
  const { paths } = await desktop.call('desktop.pickPaths', { mode, defaultPath: defaultPath || undefined })
  return paths[0]
}
