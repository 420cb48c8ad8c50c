import { describe, expect, it } from 'vitest'
import { runModel } from './run-model'

/**
 * The farm against a model (issue 18): random sequences of jobs of every kind and controls (pause,
 * resume, cancel, retry, priority, deadline, pool resize, kill -9 of a worker and of the owner, clients
 * that attach, detach and wait with a timeout) on a real `task-farm serve`, with every invariant
 * checked after every step (test/model/job-rules.ts). `npm test` runs a few short sequences with a
 * fixed seed; `TASK_FARM_MODEL_RUNS`, `TASK_FARM_MODEL_STEPS`, `TASK_FARM_MODEL_SECONDS` and
 * `TASK_FARM_MODEL_SEED` make it longer, `TASK_FARM_MODEL_PATH` and `TASK_FARM_MODEL_REPLAY` replay a counterexample (fast-check's path and replayPath), `TASK_FARM_MODEL_SHRINK=1` shrinks a failure (`npm run fuzz -- --seconds 600` does).
 */
const env = (name: string, fallback: number): number => {
  const value = Number(process.env[name])
  return Number.isFinite(value) && process.env[name] !== '' && process.env[name] !== undefined ? value : fallback
}
const seconds = env('TASK_FARM_MODEL_SECONDS', 50)

describe('the farm against its model', () => {
  it(
    'keeps every invariant through random sequences of jobs, controls and kills',
    async () => {
      const report = await runModel({
        seed: env('TASK_FARM_MODEL_SEED', 18),
        runs: env('TASK_FARM_MODEL_RUNS', 10),
        maxSteps: env('TASK_FARM_MODEL_STEPS', 12),
        timeLimitMs: seconds * 1000,
        shrink: process.env.TASK_FARM_MODEL_SHRINK === '1',
        findings: process.env.TASK_FARM_MODEL_FINDINGS,
        path: process.env.TASK_FARM_MODEL_PATH,
        replayPath: process.env.TASK_FARM_MODEL_REPLAY,
      })
      console.log(`farm model: seed ${report.seed}, ${report.runs} sequences, ${report.steps} steps`)
      console.log(`steps: ${JSON.stringify(report.byKind)}\njobs at rest: ${JSON.stringify(report.endings)}`)
      expect(report.failure).toBeNull()
    },
    // The time limit, one sequence that starts just before it, and its settling (shrinking: a while).
    seconds * 1000 + (process.env.TASK_FARM_MODEL_SHRINK === '1' ? 1_800_000 : 120_000),
  )
})
