import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JobStatsQueries } from '../../src/core/store/job-stats'
import { migrate } from '../../src/core/store/migrations'

let db: Database.Database
beforeEach(() => {
  db = new Database(':memory:')
  migrate(db)
})
afterEach(() => db.close())

function copyJob(state: string, done: number, failed: number, files: number | null, planOnly = false): void {
  db.prepare(
    `INSERT INTO jobs (kind, title, spec, state, pool, created_at, items_done, items_failed, facts, plan_only)
     VALUES ('copy', 't', '{}', ?, 'disk', ?, ?, ?, ?, ?)`,
  ).run(state, Date.now(), done, failed, JSON.stringify(files === null ? {} : { files }), planOnly ? 1 : 0)
}

describe("History's files copied", () => {
  it('counts files, not the folders and links among the items; a dry run copies none', () => {
    copyJob('completed', 53, 0, 0) // a re-run over an existing destination: 53 folders, no file copied
    copyJob('completed', 40, 0, 30) // 30 files in 10 folders
    copyJob('completed-with-errors', 38, 2, 30) // two files failed
    copyJob('completed', 0, 0, 500, true) // a plan only
    copyJob('running', 12, 0, 30) // under way: at most its items so far
    expect(new JobStatsQueries(db).history(1).totals.filesCopied).toBe(0 + 30 + 28 + 0 + 12)
  })
})
