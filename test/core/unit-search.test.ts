import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrations } from '../../src/core/store/migrations'
import { openDatabase } from '../../src/core/store/open-database'
import { UnitSearch, type UnitPageQuery } from '../../src/core/store/unit-search'
import { unitFilterSchema, type UnitFilter } from '../../src/shared/unit-search'
import { tempDir } from '../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterAll(() => dirs.splice(0).forEach((d) => d.remove()))

const PER_ITEM = 100
const JOBS = 40

/**
 * A history of `units` units over 40 jobs written straight into SQLite (one transaction, prepared
 * statements): jobs alternate urls and command; unit n of a URL job is a timeout when n % 97 == 0;
 * unit n of a command job failed with `exit-1` when n % 89 == 0. A command job's even units are packed
 * as their key alone (a unit without size or payload), its odd ones as triples. Returns the path.
 */
function generatedHistory(units: number): string {
  const d = tempDir()
  dirs.push(d)
  const path = join(d.path, 'history.sqlite')
  const db = openDatabase(path, { readonly: false })
  const job = db.prepare(
    `INSERT INTO jobs (id, kind, title, spec, state, pool, created_at, started_at, finished_at)
     VALUES (?, ?, ?, '{}', 'completed', ?, ?, ?, ?)`,
  )
  const item = db.prepare(
    `INSERT INTO items (job_id, units, count, size, marks, results, state) VALUES (?, ?, ?, ?, ?, ?, 'settled')`,
  )
  const outcome = db.prepare('INSERT INTO unit_outcomes (item_id, unit, attempts, error, code) VALUES (?, ?, 1, ?, ?)')
  const perJob = units / JOBS
  db.transaction(() => {
    let n = 0
    for (let j = 1; j <= JOBS; j++) {
      const kind = j % 2 ? 'urls' : 'command'
      job.run(j, kind, `job ${j}`, kind === 'urls' ? 'network' : 'cpu', j * 1000, j * 1000, j * 1000 + 500)
      for (let first = 0; first < perJob; first += PER_ITEM) {
        const packed: unknown[] = []
        const results: unknown[] = []
        let marks = ''
        const failures: [number, string][] = []
        for (let u = 0; u < PER_ITEM; u++, n++) {
          if (kind === 'urls') {
            packed.push([`http://h${n % 7}.test/p/${n}`, 0, { line: n }])
            results.push(n % 97 === 0 ? { status: null, errorClass: 'timeout' } : { status: 200 })
            marks += 'd'
          } else {
            packed.push(n % 2 ? [`input-${n}`, 0, n] : `input-${n}`)
            const failed = n % 89 === 0
            results.push(failed ? null : { exitCode: 0, worker: 4000 + (n % 3) })
            marks += failed ? 'f' : 'd'
            if (failed) failures.push([u, 'exit code 1'])
          }
        }
        const { lastInsertRowid } = item.run(j, JSON.stringify(packed), PER_ITEM, 0, marks, JSON.stringify(results))
        for (const [u, error] of failures) outcome.run(lastInsertRowid, u, error, 'exit-1')
      }
    }
  })()
  db.close()
  return path
}

const filters: Record<string, UnitFilter> = {
  'URL timeouts': { kinds: ['urls'], errors: ['timeout'] },
  'failed with exit-1': { states: ['failed'], errors: ['exit-1'] },
  'failed in two jobs': { states: ['failed'], jobIds: [4, 6] },
  'text in a key, one host': { text: 'p/1', host: 'h3.test' },
  'a worker, since a moment': { worker: 4001, since: 20_000 },
}

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now()
  const value = run()
  return { value, ms: performance.now() - start }
}

describe('searching every unit of the history', () => {
  const small = new UnitSearch(new Database(generatedHistory(20_000), { readonly: true }))

  it('finds exactly the matching units, in order, page after page (keyset paging)', () => {
    const all = [...small.each({}, Infinity, 'oldest')]
    expect(all).toHaveLength(20_000)
    const check = (filter: UnitFilter, keep: (u: (typeof all)[number]) => boolean): void => {
      const expected = all.filter(keep).map((u) => u.id)
      expect(expected.length).toBeGreaterThan(0)
      const oldest = [...small.each(filter, Infinity, 'oldest')].map((u) => u.id)
      expect(oldest).toEqual(expected)
      let after: number | undefined
      const newest: number[] = []
      for (let pages = 0; pages < 1000; pages++) {
        const page = small.page({ filter, order: 'newest', limit: 7, after })
        newest.push(...page.units.map((u) => u.id))
        if (page.next === null) break
        after = page.next
      }
      expect(newest).toEqual([...expected].reverse())
    }
    const errorClass = (u: (typeof all)[number]): unknown => (u.result as { errorClass?: string } | null)?.errorClass
    check(filters['URL timeouts']!, (u) => u.kind === 'urls' && errorClass(u) === 'timeout')
    check(filters['failed with exit-1']!, (u) => u.state === 'failed' && u.code === 'exit-1')
    check(filters['failed in two jobs']!, (u) => u.state === 'failed' && [4, 6].includes(u.jobId))
    check(filters['text in a key, one host']!, (u) => u.key.includes('p/1') && u.key.startsWith('http://h3.test/'))
    check(
      filters['a worker, since a moment']!,
      (u) => (u.result as { worker?: number } | null)?.worker === 4001 && u.jobId >= 20,
    )
    // Text in an error (outcomes) and in a result (packed JSON), found through the item's prefilter.
    check({ text: 'CODE 1' }, (u) => (u.error ?? '').includes('code 1'))
    check({ text: '"worker":4002' }, (u) => (u.result as { worker?: number } | null)?.worker === 4002)
    // Keys packed alone and in triples read alike, through every plan (failures come from their outcomes).
    const command = all.filter((u) => u.kind === 'command')
    expect(command.every((u) => /^input-\d+$/.test(u.key) && u.size === 0)).toBe(true)
    check({ text: 'input-6' }, (u) => u.key.includes('input-6'))
    const failed = [...small.each(filters['failed with exit-1']!, Infinity, 'oldest')]
    expect(failed.map((u) => u.key)).toEqual(command.filter((u) => u.state === 'failed').map((u) => u.key))
    expect(new Set(failed.map((u) => Number(u.key.slice(6)) % 2))).toEqual(new Set([0, 1]))
    expect(small.page({ filter: { states: ['pending'] }, order: 'newest', limit: 5 })).toEqual({
      units: [],
      next: null,
    })
    expect(small.page({ filter: { jobIds: [999] }, order: 'newest', limit: 5 })).toEqual({ units: [], next: null })
  })

  it('refuses a filter it does not know', () => {
    expect(unitFilterSchema.safeParse({ colour: 'red' }).success).toBe(false)
    expect(unitFilterSchema.safeParse({ states: ['lost'] }).success).toBe(false)
  })

  it('answers a filtered page over 2 million units by walking indexes (times printed, never asserted)', () => {
    const big = new UnitSearch(new Database(generatedHistory(2_000_000), { readonly: true }))
    for (const [name, filter] of Object.entries(filters)) {
      const query: UnitPageQuery = { filter, order: 'newest', limit: 100 }
      const smallPage = timed(() => small.page(query))
      const bigPage = timed(() => big.page(query))
      // The second page, from the first one's cursor.
      const bigNext = timed(() => big.page({ ...query, after: bigPage.value.next ?? undefined }))
      console.log(
        `units ${name}: 20k ${smallPage.ms.toFixed(1)} ms, 2M ${bigPage.ms.toFixed(1)} ms (next page ${bigNext.ms.toFixed(1)} ms)`,
      )
      expect(bigPage.value.units.length).toBe(100)
      const plan = big.explain({ ...query, after: bigPage.value.next ?? undefined })
      console.log(`  plan: ${plan.join(' | ')}`)
      // No full scan of the units' tables, and no sort of every match before the page is cut.
      expect(
        plan.filter((line) => /^SCAN (i|o|items|unit_outcomes)\b/.test(line)),
        plan.join('\n'),
      ).toEqual([])
      expect(
        plan.filter((line) => /TEMP B-TREE FOR ORDER BY/.test(line)),
        plan.join('\n'),
      ).toEqual([])
      expect(
        plan.some((line) => /^SEARCH (i|o) USING/.test(line)),
        plan.join('\n'),
      ).toBe(true)
    }
  }, 300_000)

  it('migration 7 adds the failures index to a history of version 4', () => {
    const d = tempDir()
    dirs.push(d)
    const path = join(d.path, 'v4.sqlite')
    const old = new Database(path)
    for (const m of migrations.filter((m) => m.version <= 4)) m.up(old)
    old.pragma('user_version = 4')
    old.exec(`INSERT INTO jobs (id, kind, title, spec, state, pool, created_at) VALUES (1, 'command', 'old', '{}', 'completed-with-errors', 'cpu', 1);
      INSERT INTO items (id, job_id, units, count, marks, results, state) VALUES (1, 1, '[["a",0,1],["b",0,2]]', 2, 'df', '[{"exitCode":0},null]', 'settled');
      INSERT INTO unit_outcomes (item_id, unit, attempts, error, code) VALUES (1, 1, 1, 'exit code 2', 'exit-2');`)
    old.close()
    const db = openDatabase(path, { readonly: false })
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version)
    const search = new UnitSearch(db)
    const query: UnitPageQuery = { filter: { states: ['failed'], errors: ['exit-2'] }, order: 'newest', limit: 10 }
    expect(search.page(query).units.map((u) => [u.jobId, u.key, u.error])).toEqual([[1, 'b', 'exit code 2']])
    expect(search.explain(query).join('\n')).toContain('unit_failures_by_code')
    db.close()
  })
})
