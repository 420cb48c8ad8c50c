import Database from 'better-sqlite3'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { xxhash128 } from 'hash-wasm'
import { afterEach, describe, expect, it } from 'vitest'
import { diffJobs } from '../../src/core/job-diff'
import { copyFiles } from '../../src/core/store/diff-units'
import { migrations } from '../../src/core/store/migrations'
import { openDatabase } from '../../src/core/store/open-database'
import { verifySpecFor } from '../../src/core/verify-job'
import { runCli } from '../cli/command-cli-helpers'
import { tempDir } from '../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

/**
 * A history as version 4 wrote it: two verified copies of one folder (their units carry the xxh128 the
 * copy's verify kept) and one copy without hashes. `files` are the second copy's files by name.
 */
async function historyOfVersion4(dir: string, files: Record<string, string>): Promise<string> {
  const path = join(dir, 'history.sqlite')
  const old = new Database(path)
  for (const m of migrations.filter((m) => m.version <= 4)) m.up(old)
  old.pragma('user_version = 4')
  const job = old.prepare(
    "INSERT INTO jobs (id, kind, title, spec, state, pool, created_at, facts) VALUES (?, 'copy', 'copy', ?, 'completed', 'disk', 1, '{}')",
  )
  const item = old.prepare(
    'INSERT INTO items (job_id, units, count, size, marks, results, state) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const copy = async (id: number, content: Record<string, string>, verify: boolean): Promise<void> => {
    const spec = { kind: 'copy', sources: [join(dir, 'source')], destination: join(dir, 'backup'), verify }
    job.run(id, JSON.stringify(spec))
    const names = Object.keys(content)
    const units = [
      ...names.map((n) => [`source/${n}`, content[n]!.length, { type: 'file', source: 0 }]),
      ['source/', 0, { type: 'folder', source: 0, expect: names.length }],
    ]
    const results = verify
      ? await Promise.all(names.map(async (n) => ({ outcome: 'copied', xxh128: await xxhash128(content[n]!) })))
      : null
    item.run(
      id,
      JSON.stringify(units),
      units.length,
      0,
      'd'.repeat(units.length),
      results && JSON.stringify([...results, null]),
      'settled',
    )
  }
  await copy(1, { 'a.txt': 'alpha', 'b.txt': 'beta', 'c.txt': 'gamma' }, true)
  await copy(2, files, true)
  await copy(3, { 'a.txt': 'alpha' }, false)
  old.close()
  return path
}

describe('a history of version 4, opened by this build', () => {
  it("reads old verified copies' files and hashes from their units: diff names their changes, verify accepts them", async () => {
    const d = tempDir()
    dirs.push(d)
    const files = { 'a.txt': 'alpha', 'b.txt': 'BETA!', 'd.txt': 'delta' }
    const path = await historyOfVersion4(d.path, files)
    const db = openDatabase(path, { readonly: false })
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version)
      expect(copyFiles(db, 1).map(({ path, type, xxh128 }) => ({ path, type, xxh128 }))).toEqual([
        { path: 'source/a.txt', type: 'file', xxh128: await xxhash128('alpha') },
        { path: 'source/b.txt', type: 'file', xxh128: await xxhash128('beta') },
        { path: 'source/c.txt', type: 'file', xxh128: await xxhash128('gamma') },
      ])
      const diff = diffJobs(db, 1, 2, 100)
      expect(diff.rows.map((r) => [r.change, r.key, r.fields.map((f) => f.field)])).toEqual([
        ['changed', 'source/b.txt', ['size', 'xxh128']],
        ['new', 'source/d.txt', []],
        ['gone', 'source/c.txt', []],
      ])
      expect(verifySpecFor(db, 2)).toEqual({ kind: 'verify', copyJob: 2, destination: join(d.path, 'backup') })
      expect(() => verifySpecFor(db, 3)).toThrow(/kept no file hashes.*--keep-hashes/)
    } finally {
      db.close()
    }
  })

  it('task-farm verify runs on a history it upgrades itself, against the hashes a version-4 copy kept', async () => {
    const d = tempDir()
    dirs.push(d)
    const files = { 'a.txt': 'alpha', 'b.txt': 'beta' }
    const path = await historyOfVersion4(d.path, files)
    mkdirSync(join(d.path, 'backup', 'source'), { recursive: true })
    for (const [name, content] of Object.entries(files)) writeFileSync(join(d.path, 'backup', 'source', name), content)
    const run = await runCli(['--db', path, 'verify', '2'])
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    expect(run.out).toContain('Every file matches its hash.')
  }, 60_000)
})
