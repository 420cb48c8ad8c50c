import type { PlanContext, RunContext } from '../../../../src/workers/kind-handler'
import type { PlannedItem, WorkItem } from '../../../../src/shared/worker-protocol'
import type { UrlResult } from '../../../../src/shared/kinds/urls'
import { keysAsItems } from '../keys-as-items'

/** A plan context that keeps what a handler emits and logs, as the worker runtime would send it. */
export function fakePlanContext() {
  const items: PlannedItem[] = []
  const logs: { level: string; message: string }[] = []
  const ctx: PlanContext = {
    jobId: 1,
    signal: new AbortController().signal,
    log: (level, message) => logs.push({ level, message }),
    emit: (item) => items.push(item),
    emitKeys: keysAsItems((item) => items.push(item)),
  }
  return { ctx, items, logs }
}

/** Each run context is a job of its own, as the farm gives each job: a host's pace is per job. */
let jobs = 0

/** A run context that records every row by URL, and every engine failure. */
export function fakeRunContext(signal = new AbortController().signal) {
  const rows = new Map<string, UrlResult>()
  const failures: { id: number; error: string; retryable?: boolean; retryAfterMs?: number }[] = []
  const keys = new Map<number, string>()
  const ctx: RunContext = {
    jobId: ++jobs,
    signal,
    log: () => {},
    done: (id, result) => rows.set(keys.get(id)!, result as UrlResult),
    failed: (id, error, options) =>
      failures.push({ id, error, retryable: options?.retryable, retryAfterMs: options?.retryAfterMs }),
    progress: () => {},
  }
  const itemsFor = (urls: string[]): WorkItem[] =>
    urls.map((key, i) => {
      keys.set(i + 1, key)
      return { id: i + 1, key, payload: { line: i + 1 }, size: 0, attempt: 1 }
    })
  return { ctx, rows, failures, itemsFor, keys }
}
