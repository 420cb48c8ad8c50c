import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { FarmModel, ModelJob } from './farm-model'
import { JobControl } from './model-commands'
import type { JobPlan } from './model-fixtures'
import type { RealFarm } from './step-check'
import { checkRuns, refreshRuns } from './unit-checks'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A paused module job whose records file the fake farm below writes to. */
function pausedJob(records: string, pausedAt: number): ModelJob {
  const plan = {
    kind: 'module',
    slots: 3,
    records,
    failing: [],
    deadline: false,
    destination: null,
  } as unknown as JobPlan
  return {
    ...{ id: 1, tag: 1, plan, expect: { is: 'paused' }, causes: ['pause'], checked: 0, lastState: 'paused' },
    ...{ runs: [], grants: [], retries: [], holds: [{ by: 'pause', from: pausedAt, to: null }] },
  }
}

describe("the model's holds (pause-holds)", () => {
  it('a unit the farm starts for a resume before the resume is answered is no breach of the pause', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'task-farm-holds-'))
    dirs.push(dir)
    const records = join(dir, 'job-1.log')
    const job = pausedJob(records, Date.now() - 2000)
    const model: FarmModel = { jobs: [job], nextTag: 2, steps: { count: 0, byKind: {} } }
    // The farm starts a unit as soon as it applies the resume; its answer reaches the model later.
    const call = async (): Promise<void> => {
      appendFileSync(records, `start u1-0 ${process.pid} ${Date.now()}\n`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const real = { owner: { client: { call } }, trail: [] } as unknown as RealFarm
    await new JobControl('resume', 0).act(model, real)
    refreshRuns(job, Date.now())
    expect(job.runs).toHaveLength(1)
    expect(() => checkRuns(job, Date.now())).not.toThrow()
  })

  it('still finds a unit that starts while the job is paused, before any resume', () => {
    const dir = mkdtempSync(join(tmpdir(), 'task-farm-holds-'))
    dirs.push(dir)
    const records = join(dir, 'job-1.log')
    const job = pausedJob(records, Date.now() - 2000)
    appendFileSync(records, `start u1-0 ${process.pid} ${Date.now()}\n`)
    refreshRuns(job, Date.now())
    expect(() => checkRuns(job, Date.now())).toThrow(/\[pause-holds\] .*started \d+ ms after the job was paused/)
  })
})
