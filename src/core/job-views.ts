import type { JobDetail, JobSummary } from '../shared/api-types'
import { jobSlots, type PoolName } from '../shared/job-spec'
import type { JobEndActions } from '../shared/job-end-actions'
import type { JobState } from '../shared/job-state'
import type { JobRun } from './job-run'
import type { JobRow } from './store/job-store'
import { afterLinks } from './store/job-links'

/** A job as the UI and the CLI see it: the stored row, overlaid with the live run when it is active. */
export function jobSummary(row: JobRow, run: JobRun | undefined): JobSummary {
  const base = {
    id: row.id,
    kind: row.kind,
    title: row.title,
    priority: row.priority,
    pool: row.pool as PoolName,
    planOnly: row.plan_only === 1,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    errorCode: row.error_code ?? null,
    cancelling: row.cancel_asked_at != null,
    ...withLinks(row),
    then: row.then_actions ? (JSON.parse(row.then_actions) as JobEndActions) : null,
  }
  if (run) return liveSummary(run, base)
  return {
    ...base,
    state: row.state,
    planned: row.planned === 1,
    itemsTotal: row.items_total,
    itemsDone: row.items_done,
    itemsFailed: row.items_failed,
    bytesTotal: row.bytes_total,
    bytesDone: row.bytes_done,
    itemRate: 0,
    byteRate: 0,
    etaMs: null,
    current: [],
  }
}

/** The jobs it follows, only when there are some (most jobs follow none). */
function withLinks(row: JobRow): { after?: JobSummary['after'] } {
  const after = afterLinks(row)
  return after.length ? { after } : {}
}

/** An active job's figures, from the run in memory (bytes of units under way included). */
function liveSummary(run: JobRun, base: Omit<JobSummary, LiveFields>): JobSummary {
  let partial = 0
  const current: string[] = []
  for (const task of run.tasks.values()) {
    partial += task.partialBytes
    current.push(...task.current)
  }
  const bytesDone = run.bytesDone + partial
  const running = run.state === 'running'
  const left = run.itemsTotal - run.itemsDone - run.itemsFailed
  const finding = running && run.finding
  return {
    ...base,
    state: run.state,
    planned: run.planned,
    slots: Number.isFinite(run.slots) ? run.slots : null,
    slotsInUse: run.inFlightUnits,
    itemsTotal: run.itemsTotal,
    itemsDone: run.itemsDone,
    itemsFailed: run.itemsFailed,
    bytesTotal: run.bytesTotal,
    bytesDone,
    itemRate: running ? run.meter.itemRate : 0,
    byteRate: running ? run.meter.byteRate : 0,
    etaMs: running && run.planned && !finding ? run.meter.eta(left, run.bytesTotal - bytesDone, run.bytesTotal) : null,
    current: current.slice(0, 8),
    ...(finding ? { finding } : {}),
    memoryWait: run.memoryHeld,
    ...(run.hosts ? { hosts: run.hosts.paces() } : {}),
  }
}

type LiveFields =
  | 'itemsTotal'
  | 'itemsDone'
  | 'itemsFailed'
  | 'bytesTotal'
  | 'bytesDone'
  | 'itemRate'
  | 'byteRate'
  | 'etaMs'
  | 'current'
  | 'state'
  | 'planned'
  | 'memoryWait'

export function jobDetail(
  row: JobRow,
  run: JobRun | undefined,
  timeline: { at: number; state: JobState; note: string }[],
): JobDetail {
  const spec = JSON.parse(row.spec) as JobDetail['spec']
  const slots = jobSlots(spec)
  return {
    slots: Number.isFinite(slots) ? slots : null,
    ...jobSummary(row, run),
    spec,
    memfree: row.memfree ?? null,
    notes: JSON.parse(row.notes) as JobDetail['notes'],
    facts: JSON.parse(row.facts) as JobDetail['facts'],
    timeline,
  }
}
