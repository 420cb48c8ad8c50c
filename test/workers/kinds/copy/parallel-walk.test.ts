import { cpSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CopySpec } from '../../../../src/shared/kinds/copy'
import type { PlannedItem, WorkItem } from '../../../../src/shared/worker-protocol'
import { copyHandler } from '../../../../src/workers/kinds/copy'
import { copySpec, describeTree, planAndRun, tempDir } from './helpers'
import { keysAsItems } from '../keys-as-items'

afterEach(() => {
  delete process.env.TASK_FARM_COPY_PLAN_LIMIT
  delete process.env.TASK_FARM_COPY_WALK_BUDGET
})

const base = { jobId: 7, signal: new AbortController().signal, log: () => {} }

/**
 * The copy as the farm runs a large tree: a plan that gives way to folder units at once, each unit
 * run alone, what a done unit found queued after what is queued, `last` units after everything else.
 */
async function walkAndRun(spec: CopySpec): Promise<{ units: string[]; failed: Map<string, string> }> {
  process.env.TASK_FARM_COPY_PLAN_LIMIT = '1'
  const queue: (PlannedItem & { id: number })[] = []
  let nextId = 1
  const add = (unit: PlannedItem): void => void queue.push({ ...unit, id: nextId++ })
  await copyHandler.plan(spec, { ...base, emit: add, emitKeys: keysAsItems(add), findUnits: true })
  expect(queue.map((u) => u.payload)).toEqual([{ type: 'walk', source: 0 }])
  const last: WorkItem[] = []
  const units: string[] = []
  const failed = new Map<string, string>()
  const runOne = async (unit: WorkItem): Promise<void> => {
    const found: PlannedItem[] = []
    let done = false
    await copyHandler.run(spec, [unit], {
      ...base,
      emit: (_id, u) => found.push(u),
      done: () => (done = true),
      failed: (_id, error) => failed.set(unit.key, error),
      progress: () => {},
    })
    units.push(unit.key)
    if (!done) return
    for (const u of found) {
      if (u.role === 'last') last.push({ ...u, id: nextId++, attempt: 1 })
      else add(u)
    }
  }
  while (queue.length) await runOne({ ...queue.shift()!, attempt: 1 })
  for (const unit of last) await runOne(unit)
  return { units, failed }
}

/** A source with files, links, an empty folder and a deep one, and a destination that already holds some of it. */
function workspace(): { src: string; dstPlan: string; dstWalk: string } {
  const root = tempDir('tf-walk-')
  const src = join(root, 'src')
  for (const dir of ['a/b/c', 'empty', 'd']) mkdirSync(join(src, dir), { recursive: true })
  for (const [name, text, time] of [
    ['same.txt', 'same', 1_500_000_000],
    ['older.txt', 'source older', 1_600_000_000],
    ['newer.txt', 'source newer', 1_600_000_000],
    ['a/b/c/deep.txt', 'deep', 1_400_000_000],
    ['d/taken.txt', 'source', 1_600_000_000],
  ] as const) {
    writeFileSync(join(src, name), text)
    utimesSync(join(src, name), time, time)
  }
  symlinkSync('same.txt', join(src, 'link'))
  writeFileSync(join(src, '.DS_Store'), 'system file')
  const dstPlan = join(root, 'plan')
  mkdirSync(join(dstPlan, 'src', 'd'), { recursive: true })
  for (const [name, text, time] of [
    ['same.txt', 'same', 1_500_000_000],
    ['older.txt', 'dest old', 1_000_000_000],
    ['newer.txt', 'dest new', 1_700_000_000],
    ['d/taken.txt', 'dest', 1_000_000_000],
  ] as const) {
    writeFileSync(join(dstPlan, 'src', name), text)
    utimesSync(join(dstPlan, 'src', name), time, time)
  }
  const dstWalk = join(root, 'walk')
  cpSync(dstPlan, dstWalk, { recursive: true, preserveTimestamps: true })
  for (const dir of ['a/b/c', 'a/b', 'a', 'empty', 'd', '']) utimesSync(join(src, dir), 1_300_000_000, 1_300_000_000)
  return { src, dstPlan, dstWalk }
}

const policies = ['skip', 'overwrite', 'newer', 'different', 'rename'] as const
/** One folder per listing (budget 1, 6 listings), and the default budget (the root's listing lists them all). */
const budgets = [
  ['1', 6],
  ['', 1],
] as const

describe('copy handler: the parallel walk', () => {
  it.each(policies.flatMap((policy) => budgets.map(([budget, listings]) => [policy, budget, listings] as const)))(
    'decides every entry as the whole plan does (%s, budget "%s"), and sets each folder’s times after its content',
    async (onConflict, budget, listings) => {
      process.env.TASK_FARM_COPY_WALK_BUDGET = budget
      const { src, dstPlan, dstWalk } = workspace()
      const planned = await planAndRun(copySpec({ sources: [src], destination: dstPlan, onConflict }))
      const walked = await walkAndRun(copySpec({ sources: [src], destination: dstWalk, onConflict }))
      expect([...walked.failed]).toEqual([...planned.failed].map(([key, f]) => [key, f.error]))
      expect(describeTree(dstWalk)).toEqual(describeTree(dstPlan))
      expect(describeTree(join(dstWalk, 'src'))['a/b/c/']).toBe('dir m=755 t=1300000000000')
      // Each folder listed once, each file once, each folder's times once.
      expect(new Set(walked.units).size).toBe(walked.units.length)
      expect(walked.units.filter((k) => k.endsWith('/*'))).toHaveLength(listings)
    },
  )

  it.each(budgets)(
    'lists a folder the destination has a file in the way of as one failed unit, finding nothing in it (budget "%s")',
    async (budget) => {
      process.env.TASK_FARM_COPY_WALK_BUDGET = budget
      const { src, dstWalk } = workspace()
      writeFileSync(join(dstWalk, 'src', 'a'), 'in the way')
      const walked = await walkAndRun(copySpec({ sources: [src], destination: dstWalk }))
      expect([...walked.failed]).toEqual([['src/a/*', 'A file with this name is in the way at the destination.']])
      expect(walked.units.some((k) => k.startsWith('src/a/b'))).toBe(false)
    },
  )
})
