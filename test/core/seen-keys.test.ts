import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { HistoryWriter } from '../../src/core/history-writer'
import type { StoredUnits } from '../../src/core/store/job-store'
import { JobStore } from '../../src/core/store/job-store'
import { openDatabase } from '../../src/core/store/open-database'
import type { PlannedBatch } from '../../src/shared/worker-protocol'
import { tempDir } from '../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

function storeWithJob(): { store: JobStore; jobId: number } {
  const d = tempDir()
  dirs.push(d)
  const store = new JobStore(openDatabase(join(d.path, 'history.sqlite'), { readonly: false }))
  const spec = { kind: 'urls', input: { type: 'crawl', url: 'http://a.test/' } }
  const jobId = store.createJob({ kind: 'urls', title: 't', spec, priority: 0, pool: 'network', planOnly: false }, 1)
  return { store, jobId }
}

const batch = (keys: string[]): PlannedBatch => ({
  units: JSON.stringify(keys.map((k) => [k, 0, { depth: 1 }])),
  count: keys.length,
  size: 0,
  role: 'finds',
})
const keysOf = (store: JobStore, jobId: number): string[] =>
  store.pendingItems(jobId, 0, 100).flatMap((i) => (JSON.parse(store.itemUnits(i.id)) as [string][]).map(([k]) => k))

describe("a job's keys held once (a crawl's URLs), decided by the history", () => {
  it("stores each key once, whoever finds it and however often, up to the job's units in all", () => {
    const { store, jobId } = storeWithJob()
    const once = { maxUnits: 5 }
    expect(store.insertBatches(jobId, [batch(['/'])], once)).toMatchObject({ units: 1, seen: 0 })
    const writer = new HistoryWriter(store, () => {})
    const heard: StoredUnits[] = []
    // Two finders (two workers) in one write, one key twice in a batch, the start page again.
    writer.foundUnits(jobId, [batch(['/a', '/', '/b', '/a'])], once, (s) => heard.push(s))
    writer.foundUnits(jobId, [batch(['/b', '/c'])], once, (s) => heard.push(s))
    writer.flush()
    expect(heard).toEqual([
      { units: 2, bytes: 0, seen: 2, overLimit: 0 },
      { units: 1, bytes: 0, seen: 1, overLimit: 0 },
    ])
    // Past the bound: one more new key fits; a known key is still "seen", new ones are over the limit.
    writer.foundUnits(jobId, [batch(['/d', '/e', '/a', '/f'])], once, (s) => heard.push(s))
    writer.flush()
    expect(heard[2]).toEqual({ units: 1, bytes: 0, seen: 1, overLimit: 2 })
    expect(keysOf(store, jobId)).toEqual(['/', '/a', '/b', '/c', '/d'])
    expect(store.job(jobId)!.items_total).toBe(5)
  })

  it('remembers nothing of a write that failed, and forgets the keys when the plan starts again', () => {
    const { store, jobId } = storeWithJob()
    const once = { maxUnits: 100 }
    store.insertBatches(jobId, [batch(['/'])], once)
    const writer = new HistoryWriter(store, () => {})
    const heard: StoredUnits[] = []
    writer.foundUnits(jobId, [batch(['/a'])], once, (s) => heard.push(s))
    // An outcome of an item that does not exist fails the whole transaction (a crash is the same).
    writer.outcome({ itemId: 999_999, unit: 0, attempts: 1, error: 'x', code: null })
    expect(() => writer.flush()).toThrow()
    expect(heard).toEqual([])
    writer.foundUnits(jobId, [batch(['/a'])], once, (s) => heard.push(s))
    writer.flush()
    expect(heard).toEqual([{ units: 1, bytes: 0, seen: 0, overLimit: 0 }])
    store.clearPlan(jobId)
    expect(store.insertBatches(jobId, [batch(['/', '/a'])], once)).toMatchObject({ units: 2, seen: 0 })
  })

  it('keeps every unit of a job without a rule, as before', () => {
    const { store, jobId } = storeWithJob()
    expect(store.insertBatches(jobId, [batch(['/', '/'])])).toMatchObject({ units: 2 })
  })
})
