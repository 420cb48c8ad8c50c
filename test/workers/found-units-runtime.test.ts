import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FromWorker, ToWorker } from '../../src/shared/worker-protocol'
import { copyHandler } from '../../src/workers/kinds/copy'
import { runInRuntime } from '../support/worker-runtime-harness'
import { copySpec, tempDir } from './kinds/copy/helpers'

/** Runs one run task of the copy kind in the worker runtime; every message it sent. */
const runTask = (message: Extract<ToWorker, { type: 'run' }>): Promise<FromWorker[]> =>
  runInRuntime(copyHandler, message)

describe('the worker runtime and units that find units', () => {
  const root = tempDir('tf-found-')
  const src = join(root, 'src')
  mkdirSync(join(src, 'sub'), { recursive: true })
  writeFileSync(join(src, 'a.txt'), 'a')
  const spec = copySpec({ sources: [src], destination: join(root, 'dst') })
  const listing = { id: 65536 * 3, key: 'src/*', payload: { type: 'walk', source: 0 }, size: 0, attempt: 1 }
  const task: Extract<ToWorker, { type: 'run' }> = {
    type: 'run',
    taskId: 1,
    jobId: 1,
    spec,
    batches: [],
    units: [listing],
  }

  it('sends what a unit found with its done, one role per item', async () => {
    // One folder per listing: `sub` is then found as a folder unit, not listed by this one.
    process.env.TASK_FARM_COPY_WALK_BUDGET = '1'
    const sent = await runTask({ ...task, findUnits: true }).finally(
      () => delete process.env.TASK_FARM_COPY_WALK_BUDGET,
    )
    const done = sent.find((m) => m.type === 'unitsDone')
    expect(done).toMatchObject({ ids: [listing.id] })
    const found = done?.type === 'unitsDone' ? done.found : undefined
    expect(found?.map((f) => f.id)).toEqual([listing.id])
    expect(found![0]!.batches.map((b) => [b.role ?? 'ordinary', JSON.parse(b.units)[0][0]])).toEqual([
      ['ordinary', 'src/a.txt'],
      ['finds', 'src/sub/*'],
      ['last', 'src/'],
    ])
  })

  it('fails a listing, to go again, where the farm would not store its finds (a remote host)', async () => {
    const sent = await runTask(task)
    expect(sent.find((m) => m.type === 'unitsDone')).toBeUndefined()
    expect(sent.find((m) => m.type === 'unitsFailed')).toMatchObject({
      items: [
        { id: listing.id, error: 'Listing a folder needs a local worker; this one cannot add units.', retryable: true },
      ],
    })
  })
})
