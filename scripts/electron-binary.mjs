import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The Electron executable `npx install-electron` put in node_modules/electron, or null. Read the
 * way the package's own index.js reads it, minus the download that index.js starts when it is
 * missing (which is why nothing here requires `electron`).
 */
export function electronBinary(root) {
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (dist) return existsSync(join(dist, relative ?? 'electron')) ? join(dist, relative ?? 'electron') : null
  if (!relative) return null
  const binary = join(pkg, 'dist', relative)
  return existsSync(binary) ? binary : null
}

/**
 * Why Electron cannot open a window here, or null when it can: Linux without an X11 or Wayland
 * display (a server, a container, an ssh session), or no Electron binary in node_modules.
 */
export function whyElectronCannotRun({ platform, env, binary }) {
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'there is no display'
  if (!binary) return 'its binary is not installed and could not be fetched'
  return null
}
