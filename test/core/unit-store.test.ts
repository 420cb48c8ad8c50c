import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrations } from '../../src/core/store/migrations'
import { openDatabase } from '../../src/core/store/open-database'
import { JobStore } from '../../src/core/store/job-store'
import { UNIT_SPAN } from '../../src/shared/worker-protocol'
import { openTestFarm, tempDir } from '../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
const fresh = () => {
  const d = tempDir()
  dirs.push(d)
  return join(d.path, 'history.sqlite')
}

/** A job whose units are spread over items of `perItem` units: unit n is `u<n>`, sized n. */
function storeWithUnits(units: number, perItem: number): { store: JobStore; jobId: number } {
  const store = new JobStore(openDatabase(fresh(), { readonly: false }))
  const jobId = store.createJob(
    { kind: 'probe', title: 't', spec: { kind: 'probe', count: units }, priority: 0, pool: 'cpu', planOnly: false },
    1,
  )
  const batches = []
  for (let first = 0; first < units; first += perItem) {
    const packed = Array.from({ length: Math.min(perItem, units - first) }, (_, i) => [
      `u${first + i}`,
      first + i,
      { n: first + i },
    ])
    batches.push({
      units: JSON.stringify(packed),
      count: packed.length,
      size: packed.reduce((a, u) => a + (u[1] as number), 0),
    })
  }
  store.insertPlanned(jobId, batches)
  return { store, jobId }
}

describe('units in batches, in the history', () => {
  it('upgrades a v2 history: each old item becomes an item of one unit with its state, error and result', () => {
    const path = fresh()
    const old = new Database(path)
    for (const m of migrations.filter((m) => m.version <= 2)) m.up(old)
    old.pragma('user_version = 2')
    old
      .prepare(
        "INSERT INTO jobs (id, kind, title, spec, state, pool, created_at) VALUES (1, 'probe', 'old', '{}', 'completed-with-errors', 'cpu', 1)",
      )
      .run()
    const item = old.prepare(
      'INSERT INTO items (job_id, key, payload, size, state, attempts, error, result) VALUES (1, ?, ?, ?, ?, ?, ?, ?)',
    )
    item.run('#0', '{"n":0}', 10, 'done', 1, null, '{"square":0}')
    item.run('#1', '{"n":1}', 20, 'failed', 3, 'it broke', '{"code":"probe-fail"}')
    item.run('#2', '{"n":2}', 30, 'pending', 0, null, null)
    old.close()
    const store = new JobStore(openDatabase(path, { readonly: false }))
    expect(store.db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version)
    const { items, total } = store.items(1, { limit: 10, offset: 0 })
    expect(total).toBe(3)
    expect(
      items.map(({ key, state, size, attempts, error, result }) => ({ key, state, size, attempts, error, result })),
    ).toEqual([
      { key: '#0', state: 'done', size: 10, attempts: 1, error: null, result: { square: 0 } },
      { key: '#1', state: 'failed', size: 20, attempts: 3, error: 'it broke', result: { code: 'probe-fail' } },
      { key: '#2', state: 'pending', size: 30, attempts: 0, error: null, result: null },
    ])
    store.recount(1)
    expect(store.job(1)).toMatchObject({
      items_total: 3,
      items_done: 1,
      items_failed: 1,
      bytes_total: 60,
      bytes_done: 10,
    })
    expect(store.resetFailedItems(1)).toBe(1)
    expect(store.items(1, { state: 'failed', limit: 10, offset: 0 }).total).toBe(0)
    expect(store.pendingItems(1, 0, 10).map((i) => i.marks)).toEqual(['-', '-'])
    store.db.close()
  })

  it('lists every unit of packed items with its state, filtered and paged, and reads them all in order', () => {
    const { store, jobId } = storeWithUnits(5000, 700)
    const items = store.pendingItems(jobId, 0, 100)
    expect(items.map((i) => i.count)).toEqual([700, 700, 700, 700, 700, 700, 700, 100])
    // Unit 3 of the first item failed, the second item is done, the rest pending.
    const first = items[0]!
    store.writeBatch(
      [
        { id: first.id, marks: 'dddf' + '-'.repeat(696), results: '[{"r":0},null,{"r":2}]', settled: false },
        { id: items[1]!.id, marks: 'd'.repeat(700), results: null, settled: true },
      ],
      [{ itemId: first.id, unit: 3, attempts: 3, error: 'no luck', code: 'probe-fail' }],
      new Map([[jobId, { done: 703, failed: 1, bytes: 0 }]]),
      [],
    )
    expect(store.items(jobId, { limit: 3, offset: 0 })).toMatchObject({
      total: 5000,
      items: [
        { key: 'u0', state: 'done', result: { r: 0 } },
        { key: 'u1', result: null },
        { key: 'u2', result: { r: 2 } },
      ],
    })
    expect(store.itemsAfter(jobId, 0, 3).map((u) => u.result)).toEqual([{ r: 0 }, null, { r: 2 }])
    expect(store.items(jobId, { state: 'failed', limit: 10, offset: 0 })).toEqual({
      total: 1,
      items: [
        {
          id: first.id * UNIT_SPAN + 3,
          key: 'u3',
          state: 'failed',
          size: 3,
          attempts: 3,
          error: 'no luck',
          result: { code: 'probe-fail' },
        },
      ],
    })
    expect(store.items(jobId, { state: 'done', limit: 4, offset: 2 }).items.map((u) => u.key)).toEqual([
      'u2',
      'u700',
      'u701',
      'u702',
    ])
    expect(store.items(jobId, { state: 'done', limit: 1, offset: 0 }).total).toBe(703)
    expect(store.items(jobId, { state: 'pending', text: 'u49', limit: 100, offset: 0 }).total).toBe(111)
    expect(store.items(jobId, { text: 'no luck', limit: 10, offset: 0 }).items.map((u) => u.key)).toEqual(['u3'])
    const all: string[] = []
    for (let after = 0; ;) {
      const page = store.itemsAfter(jobId, after, 999)
      all.push(...page.map((u) => u.key))
      if (page.length < 999) break
      after = page.at(-1)!.id
    }
    expect(all).toEqual(Array.from({ length: 5000 }, (_, i) => `u${i}`))
    // The same units' ids and states from the marks alone (what a resumed run passes over).
    const states = [...store.unitStates(jobId)]
    expect(states.map((u) => u.id)).toEqual(store.itemsAfter(jobId, 0, 5000).map((u) => u.id))
    expect(states.slice(0, 5).map((u) => u.state)).toEqual(['done', 'done', 'done', 'failed', 'pending'])
    expect(states.filter((u) => u.state === 'done')).toHaveLength(703)
    store.recount(jobId)
    expect(store.job(jobId)).toMatchObject({
      items_total: 5000,
      items_done: 703,
      items_failed: 1,
      bytes_done: 1 + 2 + (700 * (700 + 1399)) / 2,
    })
    store.db.close()
  })

  it('keeps one packed row per batch of a big job, with every unit listed and counted', async () => {
    const { farm, dir } = openTestFarm()
    dirs.push(dir)
    try {
      const id = await farm.create({ kind: 'probe', count: 20_000, failOn: [7, 19_999] })
      const end = await farm.waitForEnd(id)
      expect([end.state, end.itemsDone, end.itemsFailed]).toEqual(['completed-with-errors', 19_998, 2])
      const rows = (farm.store.db.prepare('SELECT count(*) AS n FROM items WHERE job_id = ?').get(id) as { n: number })
        .n
      expect(rows).toBeLessThan(100)
      expect(farm.store.items(id, { state: 'failed', limit: 10, offset: 0 }).items.map((u) => u.key)).toEqual([
        '#7',
        '#19999',
      ])
      expect(farm.store.items(id, { limit: 1, offset: 12_345 }).items[0]).toMatchObject({
        key: '#12345',
        state: 'done',
        result: { square: 12_345 ** 2 },
      })
      farm.retry(id)
      const again = await farm.waitForEnd(id)
      expect([again.itemsDone, again.itemsFailed]).toEqual([19_998, 2])
    } finally {
      await farm.shutdown()
    }
  })

  it('sends the units in the messages to workers that cannot read the history', async () => {
    const { farm, dir } = openTestFarm({ pools: { cpu: { size: 2, inlineUnits: true } } })
    dirs.push(dir)
    try {
      const end = await farm.waitForEnd(await farm.create({ kind: 'probe', count: 3000, failOn: [5] }))
      expect([end.state, end.itemsDone, end.itemsFailed]).toEqual(['completed-with-errors', 2999, 1])
    } finally {
      await farm.shutdown()
    }
  })
})
