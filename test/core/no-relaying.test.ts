import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { childProcessLauncher } from '../../src/core/child-process-worker'
import { ItemRun } from '../../src/core/item-run'
import { SpecKeeper, SpecSender } from '../../src/shared/spec-once'
import type { JobSpec } from '../../src/shared/job-spec'
import { unitId, type ToWorker } from '../../src/shared/worker-protocol'
import { unpackUnits } from '../../src/workers/worker-runtime'
import { openTestFarm, tempDir, workerEntry } from '../support/test-farm'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean()
})

// The farm fills in the rest of a probe's spec (its defaults).
const probe = (count: number) => ({ kind: 'probe', count, chunk: 1 }) as JobSpec
const run = (jobId: number, spec: JobSpec, taskId = 1): ToWorker => ({
  type: 'run',
  taskId,
  jobId,
  spec,
  batches: [],
  units: [],
})

describe("a job's spec goes to each worker once", () => {
  it('is left out after the first task of a job, and filled back in by the worker', () => {
    const sender = new SpecSender()
    const keeper = new SpecKeeper()
    const spec = probe(3)
    const first = sender.wire(run(1, spec, 1))
    const second = sender.wire(run(1, spec, 2))
    expect('spec' in first).toBe(true)
    expect('spec' in second).toBe(false)
    keeper.complete(first as Extract<ToWorker, { type: 'run' }>)
    expect(keeper.complete(second as Extract<ToWorker, { type: 'run' }>).spec).toEqual(spec)
    // Another spec object for the job (the job ran again) goes again.
    expect('spec' in sender.wire(run(1, probe(3), 3))).toBe(true)
  })

  it('goes again once the worker has dropped it: both sides drop the same oldest jobs', () => {
    const sender = new SpecSender()
    const keeper = new SpecKeeper()
    const specs = Array.from({ length: 100 }, (_, i) => probe(i + 1))
    let taskId = 0
    for (const round of [0, 1])
      for (let job = 0; job < specs.length; job += round ? 7 : 1) {
        const wire = sender.wire(run(job, specs[job]!, ++taskId)) as Extract<ToWorker, { type: 'run' }>
        expect(keeper.complete(wire).spec).toBe(specs[job])
      }
  })

  it('a worker process gets the spec with the first task of each job only', async () => {
    const counts = tempDir('task-farm-counts-')
    cleanups.push(() => counts.remove())
    process.env.TASK_FARM_COUNT_DIR = counts.path
    process.env.TASK_FARM_REAL_WORKER = workerEntry
    const t = openTestFarm({ launcher: childProcessLauncher(resolve('test/fixtures/counting-worker.mjs')) })
    cleanups.push(() => t.dir.remove())
    const id = await t.farm.create(probe(400))
    expect((await t.farm.waitForEnd(id)).itemsDone).toBe(400)
    await t.farm.shutdown('graceful')
    const workers = readdirSync(counts.path)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(counts.path, file), 'utf8')) as { type: string; spec: boolean }[])
    const tasks = workers.flat().filter((m) => ['plan', 'run', 'cleanup'].includes(m.type))
    expect(tasks.length).toBeGreaterThan(workers.length)
    for (const seen of workers) expect(seen.filter((m) => m.spec).length).toBeLessThanOrEqual(1)
  }, 60_000)
})

describe('workers start in parallel', () => {
  it('an idle worker is told to load the kind while the plan runs on another', async () => {
    const counts = tempDir('task-farm-counts-')
    cleanups.push(() => counts.remove())
    process.env.TASK_FARM_COUNT_DIR = counts.path
    process.env.TASK_FARM_REAL_WORKER = workerEntry
    // The module takes a while to load: the plan (which loads it first) is still on when the other worker is ready.
    const module = join(counts.path, 'slow.mjs')
    writeFileSync(module, 'await new Promise((r) => setTimeout(r, 1500))\nexport default (n) => n * n\n')
    const t = openTestFarm({ launcher: childProcessLauncher(resolve('test/fixtures/counting-worker.mjs')) })
    cleanups.push(() => t.dir.remove())
    const id = await t.farm.create({
      kind: 'module',
      module,
      input: { type: 'list', values: ['1', '2', '3'] },
    })
    expect((await t.farm.waitForEnd(id)).itemsDone).toBe(3)
    await t.farm.shutdown('graceful')
    const workers = readdirSync(counts.path)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(counts.path, file), 'utf8')) as { type: string }[])
    const warmed = workers.find((seen) => seen[0]?.type === 'warm')
    expect(warmed, JSON.stringify(workers)).toBeDefined()
  }, 60_000)
})

describe('a slice of an item goes as ranges of its indexes', () => {
  it('the farmer never reads an item of units that all succeed, to send it or to show it', async () => {
    const t = openTestFarm({ tickMs: 10 })
    cleanups.push(
      () => t.dir.remove(),
      () => t.farm.shutdown('now'),
    )
    const reads = vi.spyOn(t.farm.store, 'itemUnits')
    const shown = new Set<string>()
    t.farm.events.on('pool.updated', (pool) => pool.workers.forEach((w) => w.current && shown.add(w.current)))
    // Units of a millisecond: long enough that the pool is seen at work, however loaded the machine.
    const id = await t.farm.create({ ...probe(2000), sleepMs: 1 })
    expect((await t.farm.waitForEnd(id)).itemsDone).toBe(2000)
    expect(reads).not.toHaveBeenCalled()
    // What the workers are on still shows, as the workers name it.
    expect([...shown].some((key) => key.startsWith('#'))).toBe(true)
    expect(
      [...shown].filter((key) => key !== 'planning'),
      [...shown].join(),
    ).toEqual([...shown].filter((key) => /^#\d+$/.test(key)))
  }, 60_000)

  it('names the item and its ranges, without reading or parsing its units', () => {
    const row = { id: 7, count: 6, size: 0, marks: '------', results: null }
    const item = new ItemRun(row, () => {
      throw new Error('the farmer read the units of a slice')
    })
    const message: Parameters<ItemRun['addTo']>[0] = { batches: [] }
    item.addTo(message, item.claim(2), false)
    item.addTo(message, [3, 5], false)
    expect(message.batches).toEqual([
      { item: 7, ranges: [0, 2] },
      { item: 7, ranges: [3, 4, 5, 6] },
    ])
  })

  it("sends a worker that cannot read the history the slice's units packed, which it reads as sent", async () => {
    const packed = Array.from({ length: 6 }, (_, i) => [`#${i}`, i * 10, { n: i }])
    const item = new ItemRun({ id: 7, count: 6, size: 150, marks: '------', results: null }, () =>
      JSON.stringify(packed),
    )
    const message = { ...run(1, probe(6)), batches: [] } as Extract<ToWorker, { type: 'run' }>
    item.addTo(message, [1, 2, 4], true)
    expect(message.batches).toEqual([
      { item: 7, ranges: [1, 3, 4, 5], units: JSON.stringify([1, 2, 4].map((i) => packed[i])) },
    ])
    expect(await unpackUnits(message)).toEqual(
      [1, 2, 4].map((i) => ({ id: unitId(7, i), key: `#${i}`, size: i * 10, payload: { n: i }, attempt: 1 })),
    )
    // Ranges that name more units than were sent are refused, not read past the end.
    message.batches[0]!.ranges = [1, 5]
    await expect(unpackUnits(message)).rejects.toThrow('unit 4 is not among those sent')
  })
})
