import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Where the outside programs a test starts keep their own files, instead of the home folder of whoever
 * runs the tests: Chromium its crash-report folder and dconf cache (~/.config/chromium, ~/.cache, even
 * with a fresh profile), GNU parallel its caches (~/.parallel). Removed with `remove()`.
 */
export function scratchHome(): { env: Record<string, string>; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'task-farm-home-'))
  return {
    env: {
      XDG_CONFIG_HOME: join(path, 'config'),
      XDG_CACHE_HOME: join(path, 'cache'),
      XDG_DATA_HOME: join(path, 'data'),
      PARALLEL_HOME: join(path, 'parallel'),
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  }
}
