import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrations } from '../../src/core/store/migrations'
import { openDatabase } from '../../src/core/store/open-database'
import { tempDir } from '../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

/** A history file as a build of schema `version` left it, open for the test to fill. */
function historyOfVersion(version: number): { path: string; old: Database.Database } {
  const dir = tempDir()
  dirs.push(dir)
  const path = join(dir.path, 'history.sqlite')
  const old = new Database(path)
  for (const m of migrations.filter((m) => m.version <= version)) m.up(old)
  old.pragma(`user_version = ${version}`)
  return { path, old }
}

describe('a history of version 10 with jobs stopped mid-plan', () => {
  it('keeps a command job’s items as its plan’s batches, and plans a copy from nothing again', () => {
    const { path, old } = historyOfVersion(10)
    const job = old.prepare(
      `INSERT INTO jobs (id, kind, title, spec, state, pool, created_at, facts, planned, items_total, items_done)
       VALUES (?, ?, 't', '{}', 'interrupted', 'cpu', 1, '{}', 0, 2, 1)`,
    )
    const item = old.prepare("INSERT INTO items (job_id, units, count, size, marks) VALUES (?, '[]', 1, 0, ?)")
    job.run(1, 'command')
    item.run(1, 'd')
    item.run(1, '-')
    job.run(2, 'copy')
    item.run(2, 'd')
    item.run(2, '-')
    old.close()

    const db = openDatabase(path, { readonly: false })
    try {
      const row = (id: number) =>
        db.prepare('SELECT plan_batches, items_total, items_done FROM jobs WHERE id = ?').get(id) as Record<
          string,
          number
        >
      const items = (id: number) => db.prepare('SELECT COUNT(*) FROM items WHERE job_id = ?').pluck().get(id)
      expect([row(1), items(1)]).toEqual([{ plan_batches: 2, items_total: 2, items_done: 1 }, 2])
      expect([row(2), items(2)]).toEqual([{ plan_batches: 0, items_total: 0, items_done: 0 }, 0])
      // And numbered as such (v12), so that the replay checks them against the plan run again.
      expect(numbers(db, 1)).toEqual([0, 1])
    } finally {
      db.close()
    }
  })
})

const numbers = (db: Database.Database, jobId: number): (number | null)[] =>
  db.prepare('SELECT plan_batch FROM items WHERE job_id = ? ORDER BY id').pluck().all(jobId) as (number | null)[]

describe('a history of version 11', () => {
  it('numbers the batches of a plan stopped half-way where every item is one, and no other', () => {
    const { path, old } = historyOfVersion(11)
    const job = old.prepare(
      `INSERT INTO jobs (id, kind, title, spec, state, pool, created_at, facts, planned, plan_batches)
       VALUES (?, ?, 't', '{}', 'interrupted', 'cpu', 1, '{}', ?, ?)`,
    )
    const item = old.prepare("INSERT INTO items (job_id, units, count, size, marks) VALUES (?, '[]', 1, 0, '-')")
    job.run(1, 'module', 0, 3) // mid-plan: its three items are its plan's first batches
    job.run(2, 'copy', 0, 1) // mid-plan, but a copy's items may be found ones too
    job.run(3, 'command', 1, 2) // planned: never replayed
    for (const id of [1, 2, 1, 3, 1, 2, 3]) item.run(id)
    old.close()

    const db = openDatabase(path, { readonly: false })
    try {
      expect([numbers(db, 1), numbers(db, 2), numbers(db, 3)]).toEqual([
        [0, 1, 2],
        [null, null],
        [null, null],
      ])
    } finally {
      db.close()
    }
  })
})
