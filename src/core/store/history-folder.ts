import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { UserError } from '../../shared/user-error'

/**
 * Makes the folder a history lives in, on first use, private to the user (0700): it will hold the
 * database, its lock and the control socket's folder, which name every path and command the user ran.
 * An existing folder keeps its mode: the user chose it (`--db`).
 */
export function ensureHistoryFolder(dbPath: string): void {
  const folder = dirname(dbPath)
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST') {
      throw new UserError(
        `Cannot make the history's folder ${folder} (${code}): point --db or TASK_FARM_DB at a file in a folder you can write.`,
        'bad-database',
      )
    }
    throw error
  }
}
