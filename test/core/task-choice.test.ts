import { describe, expect, it } from 'vitest'
import {
  MAX_TASKS_PER_WORKER,
  REMOTE_TASKS_PER_SLOT,
  hasRoomFor,
  nextAssignment,
  slotsWorthATask,
  taskUnits,
  type JobForChoice,
  type TaskSizeInput,
  type WorkerForChoice,
} from '../../src/core/task-choice'

const job = (id: number, over: Partial<JobForChoice> = {}): JobForChoice => ({
  id,
  hasWork: true,
  cleanup: false,
  freeSlots: Infinity,
  waits: false,
  ...over,
})
const idle = (n: number): WorkerForChoice[] =>
  Array.from({ length: n }, () => ({ tasks: 0, heavyTasks: 0, remote: false }))

/** Plays the scheduler: assigns until nothing can go, each task taking `units(job)` slots. */
function drain(
  jobs: JobForChoice[],
  workers: WorkerForChoice[],
  tasksPerWorker = 1,
  units: (j: JobForChoice) => number = () => 1,
): { job: number; worker: number }[] {
  const out: { job: number; worker: number }[] = []
  let last = 0
  for (let guard = 0; guard < 10_000; guard++) {
    const next = nextAssignment(jobs, workers, tasksPerWorker, last)
    if (!next) return out
    out.push(next)
    const j = jobs.find((x) => x.id === next.job)!
    if (!j.cleanup) last = j.id
    const heavy = !j.waits || !Number.isFinite(j.freeSlots)
    j.freeSlots -= Math.min(j.freeSlots, units(j))
    workers[next.worker]!.tasks++
    if (heavy) workers[next.worker]!.heavyTasks++
  }
  throw new Error('the balancer never stopped')
}

describe('the choice of the next job and worker', () => {
  it("never gives a job more running units than its slots, whatever the pool's size", () => {
    const commands = job(1, { freeSlots: 2, waits: true })
    const out = drain([commands], idle(6))
    expect(out).toHaveLength(2)
    // Spread: the two go to two different workers.
    expect(new Set(out.map((a) => a.worker)).size).toBe(2)
  })

  it('lets units that wait run more at once than there are workers, bounded by the slots', () => {
    const out = drain([job(1, { freeSlots: 8, waits: true })], idle(2))
    expect(out).toHaveLength(8)
    expect(out.filter((a) => a.worker === 0)).toHaveLength(4)
  })

  it('bounds in-worker work by the pool: one heavy task per worker', () => {
    const out = drain([job(1), job(2)], idle(3))
    expect(out).toHaveLength(3)
    expect(new Set(out.map((a) => a.worker)).size).toBe(3)
  })

  it('shares the workers round-robin between jobs with work, and skips jobs without', () => {
    const out = drain([job(1), job(2), job(3, { hasWork: false }), job(4)], idle(6))
    expect(out.map((a) => a.job)).toEqual([1, 2, 4, 1, 2, 4])
  })

  it('continues the round after the last job served', () => {
    const next = nextAssignment([job(1), job(2), job(3)], idle(1), 1, 2)
    expect(next?.job).toBe(3)
    expect(nextAssignment([job(1), job(2)], idle(1), 1, 2)?.job).toBe(1)
  })

  it('sends a clean-up first, even out of turn', () => {
    const out = nextAssignment([job(1), job(2, { cleanup: true })], idle(1), 1, 0)
    expect(out?.job).toBe(2)
  })

  it('gives a job with no free slot nothing, and a full pool to nobody', () => {
    expect(nextAssignment([job(1, { freeSlots: 0, waits: true })], idle(2), 1, 0)).toBeNull()
    const busy = [{ tasks: 1, heavyTasks: 1, remote: false }]
    expect(nextAssignment([job(1)], busy, 1, 0)).toBeNull()
    // A job whose units wait still fits beside heavy work, up to the message bound.
    expect(hasRoomFor(busy[0]!, job(2, { freeSlots: 3, waits: true }), 1)).toBe(true)
    expect(
      hasRoomFor(
        { tasks: MAX_TASKS_PER_WORKER, heavyTasks: 0, remote: false },
        job(2, { freeSlots: 3, waits: true }),
        1,
      ),
    ).toBe(false)
  })

  it('gives a remote slot the batch its host runs and one to take next, of a job sized by time', () => {
    const remote = { tasks: REMOTE_TASKS_PER_SLOT, heavyTasks: 0, remote: true }
    expect(REMOTE_TASKS_PER_SLOT).toBe(2)
    expect(hasRoomFor(remote, job(1), 4)).toBe(false)
    expect(hasRoomFor({ ...remote, tasks: 1 }, job(1), 1)).toBe(true)
    expect(hasRoomFor({ ...remote, tasks: 0 }, job(1), 4)).toBe(true)
    expect(hasRoomFor({ ...remote, tasks: 0 }, job(1, { localOnly: true }), 4)).toBe(false)
  })

  it("gives a remote slot one batch at a time of units that run at once: a queued batch would hold its job's slots idle", () => {
    const waiting = job(1, { freeSlots: 10, waits: true })
    expect(hasRoomFor({ tasks: 0, heavyTasks: 0, remote: true }, waiting, 4)).toBe(true)
    expect(hasRoomFor({ tasks: 1, heavyTasks: 0, remote: true }, waiting, 4)).toBe(false)
  })

  it('gives a job whose units only local workers may run (a crawl) no remote slot', () => {
    const workers = [
      { tasks: 0, heavyTasks: 0, remote: true },
      { tasks: 3, heavyTasks: 0, remote: false },
    ]
    const crawl = job(1, { freeSlots: 10, waits: true, localOnly: true })
    expect(hasRoomFor(workers[0]!, crawl, 4)).toBe(false)
    expect(nextAssignment([crawl], workers, 4, 0)).toEqual({ job: 1, worker: 1 })
    expect(nextAssignment([crawl], [workers[0]!], 4, 0)).toBeNull()
  })

  it('takes every free slot once, fairly, over many random pools and jobs', () => {
    for (let seed = 1; seed <= 200; seed++) {
      let x = seed
      const rnd = (n: number): number => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % n)
      const jobs = Array.from({ length: 1 + rnd(4) }, (_, i) =>
        job(i + 1, { freeSlots: 1 + rnd(10), waits: rnd(2) === 0 }),
      )
      const slots = new Map(jobs.map((j) => [j.id, j.freeSlots]))
      const workers = idle(1 + rnd(8))
      const out = drain(jobs, workers, 1 + rnd(2))
      for (const j of jobs) expect(out.filter((a) => a.job === j.id).length).toBeLessThanOrEqual(slots.get(j.id)!)
      // Jobs whose units wait fill all their slots.
      for (const j of jobs.filter((j) => j.waits)) expect(j.freeSlots).toBe(0)
    }
  })
})

const size = (over: Partial<TaskSizeInput>): number =>
  taskUnits({
    left: 1000,
    freeSlots: Infinity,
    workersWithRoom: 2,
    poolSize: 2,
    sequential: true,
    durable: false,
    batchItems: 64,
    msPerUnit: 0,
    taskMs: 40,
    firstUnits: 32,
    ...over,
  })

describe('the size of a task', () => {
  it('starts small until the pace is known, then takes about the task time', () => {
    expect(size({})).toBe(32)
    expect(size({ msPerUnit: 0.5 })).toBe(80)
    expect(size({ msPerUnit: 100 })).toBe(1)
  })

  it('takes a fair share of what is left, so the end of a job spreads over the workers', () => {
    expect(size({ left: 10, msPerUnit: 5 })).toBe(3)
    expect(size({ left: 1, msPerUnit: 5 })).toBe(1)
  })

  it('does not split the end below a quarter of the task time, where messages cost more than the balance', () => {
    // 3,000 units of 0.01 ms: tasks of 1,000 (10 ms), not 750, 563, 422… down to single units.
    expect(size({ left: 3000, msPerUnit: 0.01 })).toBe(1000)
    expect(size({ left: 10, msPerUnit: 0.01 })).toBe(10)
    // Slow units still spread one by one.
    expect(size({ left: 3, msPerUnit: 50 })).toBe(1)
  })

  it('never takes more units than free slots', () => {
    for (const sequential of [true, false]) expect(size({ sequential, freeSlots: 3 })).toBeLessThanOrEqual(3)
  })

  it('shares the free slots of units that run at once over the workers with room', () => {
    expect(size({ sequential: false, freeSlots: 32, workersWithRoom: 2 })).toBe(16)
    expect(size({ sequential: false, freeSlots: 500, workersWithRoom: 1 })).toBe(64)
  })

  it('gives a durable kind one unit per task, so each outcome is stored before its slot goes on', () => {
    expect(size({ durable: true, sequential: false, freeSlots: 8 })).toBe(1)
  })
})

describe('when a job of many slots offers them', () => {
  const offer = (over: Partial<Parameters<typeof slotsWorthATask>[0]>) =>
    slotsWorthATask({ freeSlots: 1, slots: 128, left: 1000, durable: false, ...over })

  it('waits for a sixteenth of its slots, so units that finish one by one do not each cost a task', () => {
    expect(offer({ freeSlots: 7 })).toBe(0)
    expect(offer({ freeSlots: 8 })).toBe(8)
    expect(offer({ freeSlots: 128 })).toBe(128)
  })

  it('sends at once what fits all it has left, a durable kind, and a job of few or no slots', () => {
    expect(offer({ freeSlots: 3, left: 3 })).toBe(3)
    expect(offer({ freeSlots: 1, left: 0 })).toBe(1)
    expect(offer({ freeSlots: 1, durable: true })).toBe(1)
    expect(offer({ freeSlots: 1, slots: 16 })).toBe(1)
    expect(offer({ freeSlots: Infinity, slots: Infinity })).toBe(Infinity)
  })
})
