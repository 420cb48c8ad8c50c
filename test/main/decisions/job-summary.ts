import type { JobSummary } from '../../../src/shared/api-types'

/** A finished job as the farm reports it; tests override what they look at. */
export function job(id: number, state: JobSummary['state'], extra: Partial<JobSummary> = {}): JobSummary {
  return {
    id,
    kind: 'copy',
    title: `Job ${id}`,
    state,
    priority: 0,
    pool: 'disk',
    planOnly: false,
    planned: true,
    createdAt: 0,
    startedAt: 0,
    finishedAt: 1,
    itemsTotal: 1200,
    itemsDone: 1200,
    itemsFailed: 0,
    bytesTotal: 0,
    bytesDone: 0,
    itemRate: 0,
    byteRate: 0,
    etaMs: null,
    current: [],
    error: null,
    errorCode: null,
    ...extra,
  }
}
