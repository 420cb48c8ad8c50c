import fc from 'fast-check'
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import { tempDir } from '../support/test-farm'
import { ModelViolation, violated, type FarmModel, type StepCounts } from './farm-model'
import { HistoryReader } from './history-reader'
import { graceMs, skippedChecks } from './job-rules'
import { modelSteps } from './model-commands'
import { makeWorld } from './model-fixtures'
import { ModelOwner } from './model-owner'
import { checkStep, type RealFarm } from './step-check'
import { isAlive } from './unit-records'

export interface ModelRunOptions {
  seed: number
  runs: number
  maxSteps: number
  /** Stop starting sequences after this long. */
  timeLimitMs: number
  /** Shrink a failing sequence (each try is a real farm run: minutes), or report it as found. */
  shrink: boolean
  /** Where to append each failure, shrunk (the findings file the engineers read). */
  findings?: string
  /** Replays one counterexample: the `path` fast-check printed with the seed. */
  path?: string
  /** With `path`: the `replayPath` fast-check printed in the counterexample's commands. */
  replayPath?: string
}

export interface ModelRunReport {
  seed: number
  runs: number
  steps: number
  /** Steps by what they did, and how many controls the farm accepted. */
  byKind: Record<string, number>
  /** Jobs that came to rest, by kind and state. */
  endings: Record<string, number>
  failure: string | null
}

/**
 * Runs random sequences of steps against real farms (a `task-farm serve` child on a fresh history
 * each), checking every invariant after every step; a failing sequence is shrunk by fast-check.
 */
export async function runModel(options: ModelRunOptions): Promise<ModelRunReport> {
  const steps: StepCounts = { count: 0, byKind: {} }
  let runs = 0
  const endings: Record<string, number> = {}
  const fixture = await startUrlFixtureServer()
  if (skippedChecks().length) console.warn(`farm model: checks switched off: ${skippedChecks().join(', ')}`)
  const deadline = Date.now() + options.timeLimitMs
  try {
    const property = fc.asyncProperty(
      fc.commands(modelSteps, { maxCommands: options.maxSteps, size: 'max', replayPath: options.replayPath }),
      async (cmds) => {
        runs++
        await oneSequence(cmds, fixture, steps, endings)
      },
    )
    // One seed per sequence, and the time limit checked between them: fast-check's own time limit
    // would abandon a sequence mid-way, leaving its farm running.
    let failure: string | null = null
    for (let i = 0; i < options.runs && Date.now() < deadline && !failure; i++) {
      const seed = options.seed + i
      const details = await fc.check(property, {
        seed,
        numRuns: 1,
        endOnFailure: !options.shrink,
        ...(options.path ? { path: options.path } : {}),
      })
      if (details.failed)
        failure = `${fc.defaultReportMessage(details) ?? 'failed'}\n\n${errorText(details.errorInstance)}`
      if (options.path) break
    }
    if (failure && options.findings)
      appendFileSync(
        options.findings,
        `\n## seed ${options.seed} (${new Date().toISOString()})\n\n\`\`\`\n${failure}\n\`\`\`\n`,
      )
    return { seed: options.seed, runs, steps: steps.count, byKind: steps.byKind, endings, failure }
  } finally {
    await fixture.close()
  }
}

export async function oneSequence(
  cmds: Iterable<fc.AsyncCommand<FarmModel, RealFarm>>,
  fixture: UrlFixtureServer,
  steps: StepCounts,
  endings: Record<string, number> = {},
): Promise<void> {
  const dir = tempDir('tf-model-')
  const dbPath = join(dir.path, 'history.sqlite')
  const owner = await ModelOwner.open(dbPath, dir.path)
  const real: RealFarm = {
    owner,
    history: new HistoryReader(dbPath),
    world: makeWorld(dir.path, fixture.baseUrl),
    trail: [],
    ownerKilledAt: null,
    workerPids: new Set(),
  }
  const model: FarmModel = { jobs: [], nextTag: 1, steps }
  try {
    await fc.asyncModelRun(() => ({ model, real }), cmds)
    await settle(model, real)
    for (const job of model.jobs) {
      const key = `${job.plan.kind} ${job.lastState}`
      endings[key] = (endings[key] ?? 0) + 1
    }
    if (process.env.TASK_FARM_MODEL_VERBOSE) console.log(real.trail.join('\n'))
  } catch (error) {
    if (error instanceof ModelViolation) error.message += `\nwhat happened:\n  ${real.trail.join('\n  ')}`
    throw error
  } finally {
    await real.owner.close().catch(() => {})
    real.history.close()
    endLeftovers(model, real)
    dir.remove()
  }
}

/**
 * The end of a sequence: paused, interrupted and timed-out jobs are resumed (the farm keeps their
 * followers waiting: they may still be resumed, see job-chains.ts), and every job must then come to
 * rest within its work plus the grace period (a job left `running` for good fails here).
 */
async function settle(model: FarmModel, real: RealFarm): Promise<void> {
  real.trail.push('settle: resume what is paused, interrupted or timed out, wait for every job to rest')
  const limit = Date.now() + graceMs + 20_000
  for (;;) {
    // Also a job that comes to rest timed out while the settling waits (its deadline came later).
    await resumeStopped(model, real)
    checkStep(model, real)
    const moving = model.jobs.filter((j) => j.expect.is !== 'resting')
    const waiting = real.owner.clients.filter((c) => c.exitedAt === null)
    if (!moving.length && !waiting.length) return
    if (Date.now() > limit) {
      if (moving.length)
        violated(
          'ends',
          `never came to rest: ${moving.map((j) => `job ${j.id} (${j.plan.kind}, ${j.lastState})`).join(', ')}`,
        )
      return
    }
    await new Promise((r) => setTimeout(r, 300))
  }
}

async function resumeStopped(model: FarmModel, real: RealFarm): Promise<void> {
  for (const job of model.jobs) {
    const e = job.expect
    const resumable =
      e.is === 'paused' || (e.is === 'resting' && (e.state === 'interrupted' || e.state === 'timed-out'))
    if (!resumable) continue
    // Units may start before the answer is back: the holds end when the resume is sent (as `JobControl`).
    const sentAt = Date.now()
    await real.owner.client.call('jobs.resume', { jobId: job.id })
    job.causes.push('resume')
    for (const hold of job.holds) hold.to ??= sentAt
    job.expect = { is: 'active' }
  }
}

/** Whatever a killed worker or owner left running (the orphans the checks look for) is ended with the run. */
function endLeftovers(model: FarmModel, real: RealFarm): void {
  const pids = [
    ...real.workerPids,
    ...model.jobs.flatMap((j) => j.runs.filter((r) => r.end === null).map((r) => r.pid)),
  ]
  for (const pid of pids) {
    if (!isAlive(pid) || !ours(pid)) continue
    for (const target of [-pid, pid])
      try {
        process.kill(target, 'SIGKILL')
      } catch {
        // not a group leader, or gone
      }
  }
}

/** A process this run started: a worker bundle or a unit script (never a pid reused by someone else). */
function ours(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmdline.includes('worker.js') || cmdline.includes('unit.sh')
  } catch {
    return false
  }
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))
