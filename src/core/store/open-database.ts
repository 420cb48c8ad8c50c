import type Database from 'better-sqlite3'
import { existsSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { UserError } from '../../shared/user-error'
import { FarmLock } from './farm-lock'
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

/**
 * Closes a read-only connection and, when no farm holds the history, the files it left. In WAL mode a
 * reader has to make the `-wal` and `-shm` files beside the database, and only a writer's close removes
 * them: after `jobs` or `show` on a history no farm held, both stayed there until the next farm closed.
 * An empty WAL means nothing is lost by this: a writing connection opened and closed at once is then the
 * last one, and SQLite removes both. Where the person may only read, that open fails and the files stay.
 */
export function closeReader(db: Database.Database, path: string): void {
  db.close()
  try {
    if (statSync(`${path}-wal`).size > 0 || FarmLock.isHeld(path)) return
    const writer = new Sqlite(path, { fileMustExist: true })
    try {
      writer.pragma('user_version')
    } finally {
      writer.close()
    }
  } catch {
    // No WAL (a farm's close removed it), or a history the person may only read: nothing to tidy.
  }
}
