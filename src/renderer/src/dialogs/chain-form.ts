import type { JobOptions } from '../../../shared/job-spec'
import type { FromJobInput, FromJobState } from '../../../shared/kinds/from-job'

/**
 * What a job dialog opened with "Then…" on a job's page adds: its inputs are that job's units (which
 * ones, and a text they must contain), and it starts when that job has ended, only if it completed
 * without errors, or at once (with the units there are now).
 */
export interface ChainForm {
  /** The job whose units are the inputs; null: the dialog was not opened from a job. */
  fromJob: number | null
  fromState: FromJobState
  fromWhere: string
  start: 'ended' | 'ok' | 'now'
}

export const emptyChainForm = (fromJob: number | null = null): ChainForm => ({
  fromJob,
  fromState: 'done',
  fromWhere: '',
  start: 'ended',
})

/** The input the form names (null when it names no job). */
export function chainInput(form: ChainForm): FromJobInput | null {
  if (form.fromJob === null) return null
  const where = form.fromWhere.trim()
  return { type: 'job', jobId: form.fromJob, state: form.fromState, ...(where ? { where } : {}) }
}

/** The jobs the new one follows: none when it starts at once. */
export function chainAfter(form: ChainForm): JobOptions['after'] {
  if (form.fromJob === null || form.start === 'now') return []
  return [{ jobId: form.fromJob, ok: form.start === 'ok' }]
}
