import type Database from 'better-sqlite3'
import { createRequire } from 'node:module'
import type { PackedUnit } from '../shared/worker-protocol'

/**
 * Reads items' packed units from the history, read-only, so the farmer never relays them: it only
 * says which item to run. Loaded on first use; a worker that is always sent its units never opens it.
 */
interface OpenHistory {
  path: string
  db: Database.Database
  units: Database.Statement
}
let open: OpenHistory | null = null

/** Items a slice came from, parsed, newest last: the next slice of one is usually on its way. */
const parsed = new Map<number, PackedUnit[]>()
const KEPT_ITEMS = 4

/** Opens the history read-only (again only when the farm names another file); one opening at a time. */
export function openHistory(history: string): Promise<OpenHistory> {
  if (opening?.path !== history) {
    open?.db.close()
    open = null
    parsed.clear()
    const promise = loadSqlite().then((Sqlite) => {
      const db = new Sqlite(history, { readonly: true, fileMustExist: true })
      // The farmer writes while workers read: in WAL mode a reader only waits for a checkpoint's moment.
      db.pragma('busy_timeout = 5000')
      open = { path: history, db, units: db.prepare('SELECT units FROM items WHERE id = ?').pluck() }
      return open
    })
    // A failed opening (the file is not there yet) is tried again by the next task.
    promise.catch(() => opening?.promise === promise && (opening = null))
    opening = { path: history, promise }
  }
  return opening.promise
}
let opening: { path: string; promise: Promise<OpenHistory> } | null = null

/**
 * The SQLite module, loaded once: a worker told its job's kind as it starts loads it then (`preload`).
 * `require`d, as the farm does (see `open-database.ts`): ~3.5 ms sooner than imported.
 */
export function loadSqlite(): Promise<typeof Database> {
  sqlite ??= new Promise((loaded) => loaded(createRequire(import.meta.url)('better-sqlite3') as typeof Database))
  return sqlite
}
let sqlite: Promise<typeof Database> | undefined

/** An item's units, parsed; the last few are kept, as slices of one item come in turn. */
export async function readParsedUnits(history: string | undefined, item: number): Promise<PackedUnit[]> {
  let units = open?.path === history ? parsed.get(item) : undefined
  if (units) return units
  units = JSON.parse(await readItemUnits(history, item)) as PackedUnit[]
  parsed.set(item, units)
  if (parsed.size > KEPT_ITEMS) parsed.delete(parsed.keys().next().value!)
  return units
}

export async function readItemUnits(history: string | undefined, item: number): Promise<string> {
  if (!history) throw new Error(`item ${item} came without its units and without a history to read them from`)
  const units = (await openHistory(history)).units.get(item) as string | undefined
  if (units === undefined) throw new Error(`item ${item} is not in the history`)
  return units
}
