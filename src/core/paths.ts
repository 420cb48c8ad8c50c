import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'

export const appName = 'Task Farm'

/**
 * The per-user folder the desktop app keeps its data in, computed the way Electron's
 * `app.getPath('userData')` does, so the CLI, the web host and the app share one history.
 */
export function userDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), appName)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', appName)
  // The XDG spec says an empty or relative XDG_CONFIG_HOME is to be ignored, as Electron does: otherwise
  // the CLI would keep a second history in whatever folder it was started from.
  const xdg = env.XDG_CONFIG_HOME
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), appName)
}

/** The history database: `--db PATH`, else `TASK_FARM_DB`, else the app's own. */
export function historyPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ?? env.TASK_FARM_DB ?? join(userDataDir(process.platform, env), 'history.sqlite')
}
