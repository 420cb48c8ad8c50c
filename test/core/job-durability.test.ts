import { describe, expect, it } from 'vitest'
import { JobRun, type Task } from '../../src/core/job-run'
import type { JobRow, JobStore } from '../../src/core/store/job-store'
import { jobSpecSchema, type JobSpecInput } from '../../src/shared/job-spec'

/** A job run as the farm holds it, without a history behind it (durability reads only its pace). */
function runOf(spec: JobSpecInput): JobRun {
  const row = { state: 'running', planned: 1, plan_only: 0, items_total: 0, items_done: 0, items_failed: 0 }
  const noPlan = { plans: { of: () => ({ batch: () => undefined, keysFrom: () => new Map() }) } }
  return new JobRun(
    1,
    jobSpecSchema.parse(spec),
    { ...row, bytes_total: 0, bytes_done: 0 } as JobRow,
    noPlan as unknown as JobStore,
  )
}
/** Teaches the run that a task of `units` units took `ms`. */
function paced(run: JobRun, units: number, ms: number): void {
  run.learn({ type: 'run', sentUnits: units, sentBytes: 0, sentAt: 0 } as Task, ms)
}
const list = { type: 'list' as const, values: ['a'] }

describe('durability sized to what a unit costs', () => {
  it('stores every command outcome before its slot goes on, however fast the command', () => {
    const run = runOf({ kind: 'command', command: ['true'], input: list })
    paced(run, 1, 1)
    expect(run.durable).toBe(true)
  })

  it('treats a module call as durable until its calls are seen to be cheap, and again when they are not', () => {
    const run = runOf({ kind: 'module', module: '/m.mjs', input: list })
    expect(run.durable).toBe(true)
    paced(run, 100, 10)
    expect(run.durable).toBe(false)
    for (let i = 0; i < 4; i++) paced(run, 1, 50)
    expect(run.durable).toBe(true)
  })

  it("judges a unit's cost by the worker's own time for its task, not the round trip to it", () => {
    // A remote batch of 100 cheap calls: 10 ms in the worker, a second there and back through Redis.
    const run = runOf({ kind: 'module', module: '/m.mjs', input: list })
    run.learn({ type: 'run', sentUnits: 100, sentBytes: 0, sentAt: 0 } as Task, 1000, 10)
    expect(run.durable).toBe(false)
    // A worker that does not tell (a host of an older version): the round trip is all there is.
    const older = runOf({ kind: 'module', module: '/m.mjs', input: list })
    older.learn({ type: 'run', sentUnits: 100, sentBytes: 0, sentAt: 0 } as Task, 1000)
    expect(older.durable).toBe(true)
  })

  it('lets cheap idempotent kinds batch their writes', () => {
    expect(runOf({ kind: 'probe', count: 1 }).durable).toBe(false)
    expect(runOf({ kind: 'urls', input: { type: 'text', text: '' } }).durable).toBe(false)
  })

  it('runs a module job without concurrency in turn, and one with it at once within its slots', () => {
    expect(runOf({ kind: 'module', module: '/m.mjs', input: list }).unitsAtOnce).toBe(false)
    const bounded = runOf({ kind: 'module', module: '/m.mjs', input: list, concurrency: 4 })
    expect([bounded.unitsAtOnce, bounded.slots]).toEqual([true, 4])
  })
})
