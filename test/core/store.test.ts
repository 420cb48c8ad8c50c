import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Farm } from '../../src/core/farm'
import { FarmLock } from '../../src/core/store/farm-lock'
import { migrate, migrations } from '../../src/core/store/migrations'
import { openDatabase } from '../../src/core/store/open-database'
import { JobStore } from '../../src/core/store/job-store'
import { childProcessLauncher } from '../../src/core/child-process-worker'
import { openTestFarm, tempDir, workerEntry } from '../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
const fresh = () => {
  const d = tempDir()
  dirs.push(d)
  return join(d.path, 'history.sqlite')
}

describe('the history database', () => {
  it('migrates an empty database to the latest schema, once, in WAL mode', () => {
    const path = fresh()
    const db = openDatabase(path, { readonly: false })
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => (r as { name: string }).name)
    expect(tables).toEqual(expect.arrayContaining(['items', 'job_timeline', 'jobs', 'logs', 'settings']))
    db.close()
    const again = openDatabase(path, { readonly: false })
    expect(again.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version)
    again.close()
  })

  it('upgrades a history written by an older version in place, keeping its jobs', () => {
    const path = fresh()
    const old = new Database(path)
    migrations[0]!.up(old)
    old.pragma('user_version = 1')
    old
      .prepare(
        "INSERT INTO jobs (kind, title, spec, state, pool, created_at) VALUES ('probe', 'old job', '{}', 'completed', 'cpu', 1)",
      )
      .run()
    old.close()
    const db = openDatabase(path, { readonly: false })
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version)
    expect(db.prepare('SELECT title, error_code FROM jobs').get()).toEqual({ title: 'old job', error_code: null })
    db.close()
  })

  it('migrates once when two processes open an old history at the same moment', () => {
    const path = fresh()
    const old = new Database(path)
    migrations[0]!.up(old)
    old.pragma('user_version = 1')
    old.close()
    // B (a reader upgrading it) finishes first; A (a farm opening it) read version 1 just before.
    openDatabase(path, { readonly: false }).close()
    const a = new Database(path)
    let stale = true
    const pragma = a.pragma.bind(a)
    a.pragma = (source: string, options?: Database.PragmaOptions) => {
      if (stale && source === 'user_version' && options?.simple) return ((stale = false), 1)
      return pragma(source, options)
    }
    expect(() => migrate(a)).not.toThrow()
    expect(pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version)
    a.close()
  })

  it('refuses a database from a newer version and a file that is not a database, with clear messages', () => {
    const newer = fresh()
    const db = new Database(newer)
    db.pragma('user_version = 999')
    db.close()
    expect(() => openDatabase(newer, { readonly: false })).toThrow(/newer Task Farm/)
    const junk = fresh()
    require('node:fs').writeFileSync(junk, 'this is not sqlite at all, just text that goes on for a while '.repeat(100))
    expect(() => openDatabase(junk, { readonly: false })).toThrow(/not a Task Farm history database/)
    expect(() => openDatabase(fresh(), { readonly: true })).toThrow(/No history database/)
  })

  it('lists jobs with filters and paging', async () => {
    const { farm, dir } = openTestFarm()
    try {
      for (let i = 0; i < 5; i++)
        await farm.waitForEnd(await farm.create({ kind: 'probe', count: 2, failOn: i % 2 ? [0] : [] }))
      const page = farm.list({ limit: 2, offset: 0 })
      expect([page.total, page.jobs.length, page.jobs[0]!.id]).toEqual([5, 2, 5])
      expect(farm.list({ states: ['completed-with-errors'], limit: 10, offset: 0 }).total).toBe(2)
      expect(farm.list({ kind: 'copy', limit: 10, offset: 0 }).total).toBe(0)
      expect(farm.list({ text: 'Probe', limit: 10, offset: 0 }).total).toBe(5)
      expect(farm.list({ text: '100%_', limit: 10, offset: 0 }).total).toBe(0)
    } finally {
      await farm.shutdown()
      dir.remove()
    }
  })
})

describe('log queries', () => {
  it('reads a job log from the start, after a line, or its newest lines in order', () => {
    const store = new JobStore(openDatabase(fresh(), { readonly: false }))
    const jobId = store.createJob({ kind: 'probe', title: 't', spec: {}, priority: 0, pool: 'cpu', planOnly: false }, 1)
    const line = (i: number) =>
      ({ jobId, at: i, level: i % 2 ? 'warn' : 'info', source: 'core', message: `line ${i}` }) as const
    store.writeBatch(
      [],
      [],
      new Map(),
      Array.from({ length: 10 }, (_, i) => line(i)),
    )
    const read = (q: Partial<Parameters<JobStore['logs']>[0]>) =>
      store.logs({ jobId, afterId: 0, minLevel: 'debug', limit: 3, ...q }).map((l) => l.message)
    expect(read({})).toEqual(['line 0', 'line 1', 'line 2'])
    expect(read({ tail: true })).toEqual(['line 7', 'line 8', 'line 9'])
    expect(read({ tail: true, minLevel: 'warn' })).toEqual(['line 5', 'line 7', 'line 9'])
    const [, , third] = store.logs({ jobId, afterId: 0, minLevel: 'debug', limit: 3 })
    expect(read({ afterId: third!.id, limit: 2 })).toEqual(['line 3', 'line 4'])
    store.db.close()
  })
})

describe('one farm per database', () => {
  it('refuses a second farm on the same file, while read-only access keeps working', async () => {
    const { farm, dbPath, dir } = openTestFarm()
    try {
      expect(() => new Farm({ dbPath, launcher: childProcessLauncher(workerEntry) })).toThrow(/already running jobs/)
      await farm.waitForEnd(await farm.create({ kind: 'probe', count: 3 }))
      const reader = new JobStore(openDatabase(dbPath, { readonly: true }))
      expect(reader.listJobs({ limit: 10, offset: 0 }).total).toBe(1)
      reader.db.close()
    } finally {
      await farm.shutdown()
      dir.remove()
    }
  })

  it('takes over the lock of a farm that died without releasing it', () => {
    const path = fresh()
    require('node:fs').writeFileSync(
      `${path}.lock`,
      JSON.stringify({ pid: 2 ** 22 + 12345, host: require('node:os').hostname(), since: 0 }),
    )
    const lock = FarmLock.acquire(path)
    lock.release()
  })
})
