import { execFile } from 'node:child_process'

/** Desktops whose panel shows legacy (XEmbed) tray icons, which Electron falls back to without a watcher. */
const xembedPanels = /xfce|mate|lxde|lxqt|cinnamon|budgie|i3|openbox|pantheon/i

/**
 * Whether anything will show the app's tray icon. Windows and macOS always do. On Linux, icons go
 * to a StatusNotifierWatcher (KDE, Ubuntu's GNOME, GNOME with the AppIndicator extension) or to an
 * XEmbed panel; stock GNOME (Fedora, Debian) has neither, and a closed window would leave nothing
 * to reach the app by. Unknown (no D-Bus tool) counts as present unless the desktop is GNOME.
 */
export async function trayHostPresent(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  askBus: () => Promise<string> = askSessionBus,
): Promise<boolean> {
  if (platform !== 'linux') return true
  const desktop = env.XDG_CURRENT_DESKTOP ?? ''
  const answer = await askBus().catch(() => '')
  if (/\bboolean true\b/.test(answer)) return true
  if (/\bboolean false\b/.test(answer)) return xembedPanels.test(desktop)
  return !/gnome/i.test(desktop)
}

/** D-Bus's own NameHasOwner for the watcher's well-known name, as `dbus-send` prints it. */
function askSessionBus(): Promise<string> {
  const args = [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner',
    'string:org.kde.StatusNotifierWatcher',
  ]
  return new Promise((resolve, reject) =>
    execFile('dbus-send', args, { timeout: 2000 }, (error, stdout) =>
      error ? reject(new Error(error.message)) : resolve(stdout),
    ),
  )
}
