import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { HistoryWriter } from '../../src/core/history-writer'
import { ItemRun } from '../../src/core/item-run'
import { JobRun } from '../../src/core/job-run'
import { storedSpec } from '../../src/core/store/job-queries'
import { JobStore, type StoredUnits } from '../../src/core/store/job-store'
import { openDatabase } from '../../src/core/store/open-database'
import type { PlannedBatch, UnitRole } from '../../src/shared/worker-protocol'
import { tempDir } from '../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

function storeWithJob(): { store: JobStore; jobId: number } {
  const d = tempDir()
  dirs.push(d)
  const store = new JobStore(openDatabase(join(d.path, 'history.sqlite'), { readonly: false }))
  const spec = { kind: 'probe', count: 1 }
  const jobId = store.createJob({ kind: 'probe', title: 't', spec, priority: 0, pool: 'cpu', planOnly: false }, 1)
  return { store, jobId }
}

const batch = (keys: string[], role?: UnitRole): PlannedBatch => ({
  units: JSON.stringify(keys.map((k) => [k, 1, null])),
  count: keys.length,
  size: keys.length,
  ...(role ? { role } : {}),
})

const marksOf = (store: JobStore, jobId: number): string[] => store.pendingItems(jobId, 0, 100).map((i) => i.marks)

describe('units that find units, in the history', () => {
  it('stores found units in the transaction that writes their finder done: both or neither', () => {
    const { store, jobId } = storeWithJob()
    store.insertPlanned(jobId, [batch(['a/*'], 'finds')])
    const writer = new HistoryWriter(store, () => {})
    const finder = new ItemRun(store.pendingItems(jobId, 0, 1)[0]!, (id) => store.itemUnits(id))
    finder.settle(0, 'done')
    writer.changed(finder)
    // A write that fails half-way (a found item without a count) leaves the finder pending and nothing found.
    writer.foundUnits(jobId, [batch(['a/x']), { ...batch(['a/y']), count: null as unknown as number }])
    expect(() => writer.flush()).toThrow()
    expect(marksOf(store, jobId)).toEqual(['-'])
    expect(store.job(jobId)!.items_total).toBe(1)

    writer.changed(finder)
    writer.foundUnits(jobId, [batch(['a/x', 'a/y']), batch(['a/b/*'], 'finds'), batch(['a/'], 'last')])
    writer.flush()
    expect(marksOf(store, jobId)).toEqual(['--', '-']) // the finder settled; the `last` item is listed apart
    expect(store.pendingItems(jobId, 0, 100, true).map((i) => i.count)).toEqual([1])
    expect(store.job(jobId)!.items_total).toBe(5)
    expect(store.isFinding(jobId)).toBe(true) // `a/b/*` may find more
  })

  it('hands out `last` units only once every other unit has settled, and a retry runs them again', () => {
    const { store, jobId } = storeWithJob()
    store.insertPlanned(jobId, [batch(['f1', 'f2']), batch(['dir/'], 'last'), batch(['f3'])])
    store.setPlanned(jobId, { notes: [], facts: {} })
    const row = store.job(jobId)!
    const run = new JobRun(jobId, storedSpec(row), row, store)
    // Units out in a task: the `last` one waits even though nothing else is queued.
    run.tasks.set(1, { units: new Map(), items: new Map() } as never)
    const taken = [...run.takeBatch(1).items, ...run.takeBatch(1).items]
    expect(taken.map(({ item, indexes }) => [item.count, indexes.length])).toEqual([
      [2, 2],
      [1, 1],
    ])
    expect(run.takeBatch(1).items).toEqual([])
    expect(run.isDrained()).toBe(false)
    run.tasks.clear()
    const writer = new HistoryWriter(store, () => {})
    for (const { item, indexes } of taken) {
      indexes.forEach((i) => item.settle(i, i === 0 && item.count === 1 ? 'failed' : 'done'))
      writer.changed(item)
    }
    writer.flush()
    const last = run.takeBatch(1)
    expect(last.items.map(({ item }) => item.count)).toEqual([1])
    last.items[0]!.item.settle(0, 'done')
    writer.changed(last.items[0]!.item)
    writer.flush()
    expect(store.pendingItems(jobId, 0, 100, true)).toEqual([])
    // A retry of the failed unit also sets the folder's times again, after it.
    expect(store.resetFailedItems(jobId)).toBe(1)
    expect(store.pendingItems(jobId, 0, 100, true).map((i) => i.marks)).toEqual(['-'])
  })
})

const pages = (keys: string[]): PlannedBatch => ({
  units: JSON.stringify(keys.map((k) => [k, 0, { depth: 1 }])),
  count: keys.length,
  size: 0,
  role: 'finds',
})
const pageKeys = (store: JobStore, jobId: number): string[] =>
  store.pendingItems(jobId, 0, 100).flatMap((i) => (JSON.parse(store.itemUnits(i.id)) as [string][]).map(([k]) => k))

describe("a job's keys held once (a crawl's URLs), decided by the history", () => {
  it("stores each key once, whoever finds it and however often, up to the job's units in all", () => {
    const { store, jobId } = storeWithJob()
    const once = { maxUnits: 5 }
    expect(store.insertPlanned(jobId, [pages(['/'])], once)).toMatchObject({ units: 1, seen: 0 })
    const writer = new HistoryWriter(store, () => {})
    const heard: StoredUnits[] = []
    // Two finders (two workers) in one write, one key twice in a batch, the start page again.
    writer.foundUnits(jobId, [pages(['/a', '/', '/b', '/a'])], once, (s) => heard.push(s))
    writer.foundUnits(jobId, [pages(['/b', '/c'])], once, (s) => heard.push(s))
    writer.flush()
    expect(heard).toEqual([
      { units: 2, bytes: 0, seen: 2, overLimit: 0 },
      { units: 1, bytes: 0, seen: 1, overLimit: 0 },
    ])
    // Past the bound: one more new key fits; a known key is still "seen", new ones are over the limit.
    writer.foundUnits(jobId, [pages(['/d', '/e', '/a', '/f'])], once, (s) => heard.push(s))
    writer.flush()
    expect(heard[2]).toEqual({ units: 1, bytes: 0, seen: 1, overLimit: 2 })
    expect(pageKeys(store, jobId)).toEqual(['/', '/a', '/b', '/c', '/d'])
    expect(store.job(jobId)!.items_total).toBe(5)
  })

  it('remembers nothing of a write that failed, and a plan run again stores none of the pages it has', () => {
    const { store, jobId } = storeWithJob()
    const once = { maxUnits: 100 }
    store.insertPlanned(jobId, [pages(['/'])], once)
    const writer = new HistoryWriter(store, () => {})
    const heard: StoredUnits[] = []
    writer.foundUnits(jobId, [pages(['/a'])], once, (s) => heard.push(s))
    // An outcome of an item that does not exist fails the whole transaction (a crash is the same).
    writer.outcome({ itemId: 999_999, unit: 0, attempts: 1, error: 'x', code: null })
    expect(() => writer.flush()).toThrow()
    expect(heard).toEqual([])
    writer.foundUnits(jobId, [pages(['/a'])], once, (s) => heard.push(s))
    writer.flush()
    expect(heard).toEqual([{ units: 1, bytes: 0, seen: 0, overLimit: 0 }])
    // The farm passes over the batches a plan stored before (`PlanReplay`); its keys say the same.
    expect(store.insertPlanned(jobId, [pages(['/', '/a', '/b'])], once)).toMatchObject({ units: 1, seen: 2 })
  })

  it('keeps every unit of a job without a rule, as before', () => {
    const { store, jobId } = storeWithJob()
    expect(store.insertPlanned(jobId, [pages(['/', '/'])])).toMatchObject({ units: 2 })
  })
})
