import { describe, expect, it } from 'vitest'
import { ItemRun } from '../../src/core/item-run'
import type { ToWorker, WorkItem } from '../../src/shared/worker-protocol'
import { unitId } from '../../src/shared/worker-protocol'
import type { KindHandler } from '../../src/workers/kind-handler'
import { DoneRunPacker } from '../../src/workers/task-outbox'
import { runInRuntime } from '../support/worker-runtime-harness'

describe('a worker packs done units in runs of one item', () => {
  it('closes a run at a gap or another item, and writes results as one JSON array', () => {
    const packer = new DoneRunPacker()
    packer.add(unitId(3, 0), null)
    packer.add(unitId(3, 1), 4)
    packer.add(unitId(3, 2), { text: 'a "quoted" word' })
    packer.add(unitId(3, 5), Number.NaN) // a gap: a new run
    packer.add(unitId(3, 6), undefined)
    packer.add(unitId(4, 7), null) // another item
    packer.add(unitId(4, 8), () => {}) // no JSON for it: no result
    packer.add(unitId(5, 0), 1n) // cannot be encoded: that one alone has no result
    packer.add(unitId(5, 1), 'kept')
    expect(packer.units).toBe(9)
    const runs = packer.take()
    expect(runs).toEqual([
      { item: 3, from: 0, to: 3, results: '[null,4,{"text":"a \\"quoted\\" word"}]' },
      { item: 3, from: 5, to: 7, results: '[null,null]' },
      { item: 4, from: 7, to: 9, results: '[null,null]' },
      { item: 5, from: 0, to: 2, results: '[null,"kept"]' },
    ])
    for (const run of runs) if (run.results) expect(JSON.parse(run.results)).toHaveLength(run.to - run.from)
    expect(packer.units).toBe(0)
    expect(packer.take()).toEqual([])
  })

  it('sends runs instead of one entry per unit when the task asks for it', async () => {
    const units: WorkItem[] = [0, 1, 2].map((i) => ({
      id: unitId(9, i),
      key: String(i),
      payload: null,
      size: 0,
      attempt: 1,
    }))
    const handler: KindHandler = {
      plan: async () => undefined,
      run: async (_spec, items, ctx) => [...items].forEach((item, i) => ctx.done(item.id, i === 1 ? null : i * 10)),
    }
    const task = (packResults: boolean): Extract<ToWorker, { type: 'run' }> => ({
      type: 'run',
      taskId: 1,
      jobId: 1,
      spec: { kind: 'probe', count: 3, chunk: 1 } as never,
      batches: [],
      units,
      ...(packResults ? { packResults } : {}),
    })
    const packed = (await runInRuntime(handler, task(true))).find((m) => m.type === 'unitsDone')
    expect(packed).toMatchObject({ ids: [], results: [], runs: [{ item: 9, from: 0, to: 3, results: '[0,null,20]' }] })
    const plain = (await runInRuntime(handler, task(false))).find((m) => m.type === 'unitsDone')
    expect(plain).toMatchObject({
      ids: [units[1]!.id],
      results: [
        { id: units[0]!.id, result: 0 },
        { id: units[2]!.id, result: 20 },
      ],
    })
    expect(plain).not.toHaveProperty('runs')
  })
})

describe("the farmer keeps a run's results as the text that came", () => {
  const item = (count: number, results: string | null = null) =>
    new ItemRun({ id: 1, count, size: 0, marks: '-'.repeat(count), results }, () => '[]')

  it('puts runs in their places, null between them', () => {
    const run = item(8)
    run.setResults(5, 7, '[6,{"b":7}]')
    run.setResults(0, 3, '[1,null,"3"]')
    expect(JSON.parse(run.resultsText()!)).toEqual([1, null, '3', null, null, 6, { b: 7 }, null])
  })

  it('stores a run that covers the whole item as it came', () => {
    const run = item(3)
    run.setResults(0, 3, '[1, 2, 3]')
    expect(run.resultsText()).toBe('[1, 2, 3]')
    expect(item(3).resultsText()).toBeNull() // no result: the stored ones stay as they are
  })

  it('mixes runs with single results, and with results stored before', () => {
    const run = item(5)
    run.setResults(0, 2, '[1,2]')
    run.setResult(3, '"single"')
    run.setResults(4, 5, '[5]')
    expect(JSON.parse(run.resultsText()!)).toEqual([1, 2, null, 'single', 5])
    const resumed = item(4, '[10,null,null,null]')
    resumed.setResults(2, 4, '[30,40]')
    expect(JSON.parse(resumed.resultsText()!)).toEqual([10, null, 30, 40])
  })
})
