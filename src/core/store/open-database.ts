import type Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { UserError } from '../../shared/user-error'
import { ensureHistoryFolder } from './history-folder'
import { migrate, migrations } from './migrations'

// better-sqlite3 is CommonJS: `require`d, it loads ~3.5 ms sooner than imported (Node first scans each
// file of an imported CommonJS package for its exports), in the farm's start and each worker's.
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof Database

/** Opens the history database: WAL so readers (CLI `jobs`, `logs --follow`) never block the farm. */
export function openDatabase(path: string, options: { readonly: boolean }): Database.Database {
  if (options.readonly && !existsSync(path)) {
    throw new UserError(
      `No history database at ${path} yet: run a job first, or point --db at another file.`,
      'no-database',
    )
  }
  if (!options.readonly) ensureHistoryFolder(path)
  let db: Database.Database
  try {
    db = new Sqlite(path, { readonly: options.readonly, fileMustExist: options.readonly })
    db.pragma('busy_timeout = 5000')
    if (!options.readonly) {
      db.pragma('journal_mode = WAL')
      // NORMAL in WAL mode loses at most the last commits on power loss, never consistency.
      db.pragma('synchronous = NORMAL')
      db.pragma('foreign_keys = ON')
      migrate(db)
    } else {
      const version = db.pragma('user_version', { simple: true }) as number
      if (version === 0) throw new UserError(`${path} is not a Task Farm history database.`, 'bad-database')
      // A history an older Task Farm wrote: a reader of this build needs its tables, so it is upgraded
      // once (as any farm of this build would on opening it) before it is read.
      if (version < (migrations.at(-1)?.version ?? 0)) {
        db.close()
        openDatabase(path, { readonly: false }).close()
        return openDatabase(path, options)
      }
    }
  } catch (error) {
    if (error instanceof UserError) throw error
    const code = (error as { code?: string }).code ?? ''
    if (code.startsWith('SQLITE_NOTADB') || code === 'SQLITE_CORRUPT') {
      throw new UserError(`${path} is not a Task Farm history database (or it is damaged).`, 'bad-database')
    }
    if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_READONLY' || code === 'EACCES') {
      throw new UserError(`Cannot open the history database ${path}: ${(error as Error).message}.`, 'bad-database')
    }
    throw error
  }
  return db
}
