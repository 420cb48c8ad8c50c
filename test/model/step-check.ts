import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { copyDifferences } from './copy-tree'
import { checkFollows } from './follow-checks'
import { checkEnding, checkTransitions, observe, violated, type FarmModel, type ModelJob } from './farm-model'
import type { HistoryReader } from './history-reader'
import { graceMs, isEnded } from './job-rules'
import type { ModelWorld } from './model-fixtures'
import type { ModelOwner, WaitingClient } from './model-owner'
import { checkAllRan, checkRuns, refreshRuns } from './unit-checks'

/** The real system the model drives. */
export interface RealFarm {
  owner: ModelOwner
  history: HistoryReader
  world: ModelWorld
  /** What happened, step by step, for a failing run's report. */
  trail: string[]
  /** When the owner was last killed (clients attached before must have gone by then + grace). */
  ownerKilledAt: number | null
  /** Workers of owners killed with kill -9 (whatever of them lives on is ended after the run). */
  workerPids: Set<number>
}

/** Every invariant, after every step. */
export function checkStep(model: FarmModel, real: RealFarm): void {
  const now = Date.now()
  const integrity = real.history.integrity()
  if (integrity !== 'ok') violated('history', `PRAGMA integrity_check: ${integrity}`)
  for (const job of model.jobs) checkJob(job, real, now)
  for (const client of real.owner.clients) checkClient(client, model, real, now)
}

function checkJob(job: ModelJob, real: RealFarm, now: number): void {
  const { row, timeline } = real.history.jobAndTimeline(job.id)
  if (!row) return violated('history', `job ${job.id} is missing from the history`)
  const last = timeline.at(-1)
  if (last?.state !== row.state)
    violated('history', `job ${job.id} is ${row.state} but its timeline's last entry says ${last?.state}`)
  checkTransitions(job, timeline)
  checkFollows(job, real.history, now)
  observe(job, row.state, now, graceMs)
  refreshRuns(job, now)
  checkRuns(job, now)
  if (isEnded(row.state) || row.state === 'interrupted' || row.state === 'timed-out') {
    const { counters, marks } = real.history.countersAndMarks(job.id)
    if (counters.done !== marks.done || counters.failed !== marks.failed)
      violated(
        'counters',
        `job ${job.id} (${job.plan.kind}) is ${row.state} with counters done ${counters.done} failed ${counters.failed}, but its marks say ${marks.done} and ${marks.failed}`,
      )
    if (job.expect.is === 'resting' && job.expect.state === row.state && row.state !== 'cancelled') {
      checkEnding(job, row.state, real.history.marks(job.id))
      if (row.state === 'completed') checkAllRan(job)
      if (row.state === 'completed' && job.plan.destination) {
        const differences = copyDifferences(real.world.copySource, job.plan.destination)
        if (differences.length)
          violated(
            'copy-matches',
            `job ${job.id} (copy) completed, but its copy differs: ${differences.slice(0, 5).join('; ')}`,
          )
      }
    }
  }
  if (row.state === 'cancelled' && job.plan.destination) {
    const parts = partFiles(job.plan.destination)
    if (parts.length) violated('cancel-cleans', `job ${job.id} (copy) was cancelled and left ${parts.join(', ')}`)
  }
}

/** A waiting client must be gone within the grace period once its job rests, its timeout passes or its owner dies. */
function checkClient(client: WaitingClient, model: FarmModel, real: RealFarm, now: number): void {
  if (client.exitedAt !== null) return
  const job = model.jobs.find((j) => j.id === client.jobId)
  const rested =
    job && job.expect.is === 'resting' && job.expect.state !== 'paused'
      ? Math.max(job.expect.since, client.startedAt)
      : null
  const limits = [
    rested,
    client.timeoutMs === null ? null : client.startedAt + client.timeoutMs,
    real.ownerKilledAt !== null && real.ownerKilledAt > client.startedAt ? real.ownerKilledAt : null,
  ].filter((t): t is number => t !== null)
  const due = Math.min(...limits)
  if (now > due + graceMs)
    violated(
      'clients',
      `\`task-farm wait ${client.jobId}${client.timeoutMs === null ? '' : ` --timeout ${client.timeoutMs / 1000}`}\` still waits ${now - due} ms after it should have returned (job is ${job?.lastState})`,
    )
}

function partFiles(dir: string): string[] {
  const found: string[] = []
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(at, entry.name))
      else if (entry.name.includes('.taskfarm-')) found.push(join(at, entry.name).slice(dir.length + 1))
    }
  }
  walk(dir)
  return found
}
