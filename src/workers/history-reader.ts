import type Database from 'better-sqlite3'

/**
 * Reads items' packed units from the history, read-only, so the farmer never relays them: it only
 * says which item to run. Loaded on first use; a worker that is always sent its units never opens it.
 */
let open: { path: string; db: Database.Database; units: Database.Statement } | null = null

export async function readItemUnits(history: string | undefined, item: number): Promise<string> {
  if (!history) throw new Error(`item ${item} came without its units and without a history to read them from`)
  if (open?.path !== history) {
    open?.db.close()
    open = null
    const { default: Sqlite } = await import('better-sqlite3')
    const db = new Sqlite(history, { readonly: true, fileMustExist: true })
    // The farmer writes while workers read: in WAL mode a reader only waits for a checkpoint's moment.
    db.pragma('busy_timeout = 5000')
    open = { path: history, db, units: db.prepare('SELECT units FROM items WHERE id = ?').pluck() }
  }
  const units = open.units.get(item) as string | undefined
  if (units === undefined) throw new Error(`item ${item} is not in the history`)
  return units
}
