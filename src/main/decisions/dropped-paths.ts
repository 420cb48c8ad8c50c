import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The paths a second launch of the app was given (files dropped on its icon, `task-farm-app ./dir`),
 * taken from that launch's argv. Flags and the executable (and, unpackaged, the app folder that
 * `electron .` was started with) are not paths to open.
 */
export function droppedPathsFromArgv(
  argv: readonly string[],
  workingDirectory: string,
  options: { isPackaged: boolean },
): string[] {
  // Packaged: [exe, ...paths]. Unpackaged: [electron, appFolder, ...paths], where switches may come
  // before the app folder too (`electron --inspect .`, Playwright's `--remote-debugging-port=0 .`).
  const args = argv.slice(1)
  let appFolderSkipped = options.isPackaged
  const paths: string[] = []
  let flagsEnded = false
  for (const arg of args) {
    if (!flagsEnded && arg === '--') {
      flagsEnded = true
      continue
    }
    // Chromium adds its own switches to a second instance's argv (`--allow-file-access-from-files`…).
    if (!flagsEnded && arg.startsWith('-')) continue
    if (!appFolderSkipped) {
      appFolderSkipped = true
      continue
    }
    if (arg.trim() === '') continue
    // Linux file managers' "Open with" passes URIs (the .desktop file's `Exec=… %U`): file:// ones
    // are paths; any other scheme (and a file URI of another host) is nothing to open.
    const local = /^file:\/\//i.test(arg) ? localPathOfFileUri(arg) : arg
    if (local === null || /^[a-z][a-z0-9+.-]+:\/\//i.test(local)) continue
    const path = isAbsolute(local) ? resolve(local) : resolve(workingDirectory, local)
    if (!paths.includes(path)) paths.push(path)
  }
  return paths
}

/** `file:///home/ann/My%20Photos` → `/home/ann/My Photos`; null for a URI that names no local path. */
function localPathOfFileUri(uri: string): string | null {
  try {
    return fileURLToPath(uri)
  } catch {
    return null // file://other-host/… on POSIX, a malformed escape
  }
}
