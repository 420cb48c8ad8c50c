import type Database from 'better-sqlite3'
import { copiedEntries, type CopiedEntry, type StoredItem } from '../../shared/copied-files'
import type { PackedUnit } from '../../shared/worker-protocol'
import { keyOfUnit } from '../../shared/packed-unit'
import { stateOfMark } from './unit-rows'

/** A unit as a comparison reads it: its key, state, result and error. */
export interface UnitFacts {
  key: string
  state: 'done' | 'failed' | 'pending'
  result: unknown
  error: string | null
}

const itemsOf = (db: Database.Database, jobId: number): Iterable<StoredItem & { id: number }> =>
  db.prepare('SELECT id, units, marks, results FROM items WHERE job_id = ? ORDER BY id').iterate(jobId) as Iterable<
    StoredItem & { id: number }
  >

/** Every unit of a job in plan order, an item at a time (linear however big its items are). */
export function* jobUnits(db: Database.Database, jobId: number): Generator<UnitFacts> {
  const outcomes = new Map<string, { error: string | null; code: string | null }>()
  const rows = db
    .prepare(
      'SELECT o.item_id AS item, o.unit, o.error, o.code FROM unit_outcomes o JOIN items i ON i.id = o.item_id WHERE i.job_id = ?',
    )
    .all(jobId) as { item: number; unit: number; error: string | null; code: string | null }[]
  for (const o of rows) outcomes.set(`${o.item}:${o.unit}`, o)
  for (const item of itemsOf(db, jobId)) {
    const units = JSON.parse(item.units) as PackedUnit[]
    const results = item.results ? (JSON.parse(item.results) as unknown[]) : []
    for (let i = 0; i < units.length; i++) {
      const mark = item.marks[i]
      const outcome = outcomes.get(`${item.id}:${i}`)
      yield {
        key: keyOfUnit(units[i]!),
        state: stateOfMark(mark),
        result: results[i] ?? (outcome?.code ? { code: outcome.code } : null),
        error: outcome?.error ?? null,
      }
    }
  }
}

/** A copy's finished files and links (folders left out), by the path they have at the destination. */
export function copyFiles(db: Database.Database, jobId: number): CopiedEntry[] {
  const files: CopiedEntry[] = []
  for (const item of itemsOf(db, jobId))
    for (const entry of copiedEntries(item)) if (entry.type !== 'folder') files.push(entry)
  return files
}
