import { isAppPage } from './app-page'

/** What Electron tells a permission handler about who asks. */
export interface PermissionAsker {
  permission: string
  isMainFrame: boolean
  /** The URL the asking frame last loaded; missing when no document asks (a service worker). */
  requestingUrl?: string
}

/**
 * The web permissions the app's page gets: writing text to the clipboard (`navigator.clipboard
 * .writeText`, which Chromium checks and then requests as `clipboard-sanitized-write`), for the
 * app's own page in its main frame only. Everything else (camera, notifications, clipboard
 * reads…) is refused: main shows notifications itself.
 */
export function isPermissionGranted(asker: PermissionAsker, appEntryUrl: string): boolean {
  return (
    asker.permission === 'clipboard-sanitized-write' &&
    asker.isMainFrame &&
    asker.requestingUrl !== undefined &&
    isAppPage(asker.requestingUrl, appEntryUrl)
  )
}
