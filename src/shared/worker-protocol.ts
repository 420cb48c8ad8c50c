import type { JobSpec } from './job-spec'
import type { LogLevel } from './job-state'
import type { ErrorInfo } from './user-error'

/**
 * The messages between the farm and its worker processes, named by direction. Every message about
 * work carries the `taskId` of the task it belongs to; a task is one plan, one batch of items, or
 * one clean-up, always for a single job.
 */

/** One unit of work: a row of the job's item table. `payload` is kind-specific. */
export interface WorkItem {
  id: number
  key: string
  payload: unknown
  size: number
  /** 1 on the first try. */
  attempt: number
}

/** An item found by a plan, before it has an id. */
export interface PlannedItem {
  key: string
  payload: unknown
  /** Bytes this item will move (0 when the kind does not count bytes). */
  size: number
}

export interface ItemSuccess {
  id: number
  result: unknown
}
export interface ItemFailure {
  id: number
  error: string
  code?: string
  /** False when trying again cannot help (e.g. the source file is gone). */
  retryable: boolean
}

export type ToWorker =
  | { type: 'plan'; taskId: number; jobId: number; spec: JobSpec }
  | { type: 'run'; taskId: number; jobId: number; spec: JobSpec; items: WorkItem[] }
  | { type: 'cleanup'; taskId: number; jobId: number; spec: JobSpec; reason: 'cancel' | 'resume' }
  | { type: 'cancel'; taskId: number }
  | { type: 'shutdown' }

/** What a plan learnt beside its items: shown with the job and, for a dry run, its whole answer. */
export interface PlanSummary {
  /** Lines for the person: "1,204 files, 3.1 GiB; 12 conflicts (skip)". */
  notes: string[]
  /** Kind-specific figures (conflicts, free space…), shown in the job detail. */
  facts: Record<string, number | string | boolean>
}

export type FromWorker =
  | { type: 'ready'; pid: number }
  | { type: 'planned'; taskId: number; items: PlannedItem[] }
  | { type: 'progress'; taskId: number; bytes: number; current?: string[] }
  | { type: 'log'; taskId?: number; level: LogLevel; message: string }
  | { type: 'itemsDone'; taskId: number; items: ItemSuccess[] }
  | { type: 'itemsFailed'; taskId: number; items: ItemFailure[] }
  | { type: 'done'; taskId: number; summary?: PlanSummary; rss: number }
  | { type: 'failed'; taskId: number; error: ErrorInfo; rss: number }
