import type Database from 'better-sqlite3'
import { MARK } from './unit-rows'

/** A unit as a comparison reads it: its key, state, result and error. */
export interface UnitFacts {
  key: string
  state: 'done' | 'failed' | 'pending'
  result: unknown
  error: string | null
}

/** A copy's file as `copy_files` (migration 8) gives it. */
export interface CopyFileFacts {
  key: string
  type: string
  size: number
  mtime: number | null
  xxh128: string | null
}

/** Every unit of a job in plan order, unpacked in SQLite; read one row at a time. */
export function* jobUnits(db: Database.Database, jobId: number): Generator<UnitFacts> {
  const rows = db
    .prepare(
      `SELECT je.value ->> 0 AS key, substr(i.marks, je.key + 1, 1) AS mark, i.results -> je.key AS result,
              o.error AS error, o.code AS code
       FROM items i JOIN json_each(i.units) je LEFT JOIN unit_outcomes o ON o.item_id = i.id AND o.unit = je.key
       WHERE i.job_id = ? ORDER BY i.id, je.key`,
    )
    .iterate(jobId) as Iterable<{
    key: string
    mark: string
    result: string | null
    error: string | null
    code: string | null
  }>
  for (const row of rows) {
    const state = row.mark === MARK.done ? 'done' : row.mark === MARK.failed ? 'failed' : 'pending'
    const result = row.result && row.result !== 'null' ? (JSON.parse(row.result) as unknown) : null
    yield { key: row.key, state, result: result ?? (row.code ? { code: row.code } : null), error: row.error }
  }
}

/** A copy's finished files and links (folders left out), by the path they have at the destination. */
export function copyFiles(db: Database.Database, jobId: number): CopyFileFacts[] {
  return db
    .prepare(
      `SELECT key, renamed_to AS renamedTo, type, size, mtime, xxh128 FROM copy_files
       WHERE job_id = ? AND state = 'done' AND type <> 'folder'`,
    )
    .all(jobId)
    .map((row) => {
      const { renamedTo, ...file } = row as CopyFileFacts & { renamedTo: string | null }
      return renamedTo ? { ...file, key: file.key.slice(0, file.key.lastIndexOf('/') + 1) + renamedTo } : file
    })
}
