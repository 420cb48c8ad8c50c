import type { ApiEvent } from '../shared/api'

/**
 * Forwards farm events to one page, keeping only the latest `job.updated` per job and
 * `pool.updated` per pool within each flush window: progress is a state, not a stream, so a slow
 * page gets fewer, fresher updates instead of a growing backlog. Logs, endings and removals go at
 * once, in order, after any pending state they would otherwise overtake.
 */
export interface EventBatcher {
  push(event: ApiEvent, payload: unknown): void
  close(): void
}

export function createEventBatcher(send: (event: ApiEvent, payload: unknown) => void, flushMs = 100): EventBatcher {
  const pending = new Map<string, { event: ApiEvent; payload: unknown }>()
  let timer: NodeJS.Timeout | null = null

  const flush = (): void => {
    timer = null
    const batch = [...pending.values()]
    pending.clear()
    for (const { event, payload } of batch) send(event, payload)
  }
  const stateKey = (event: ApiEvent, payload: unknown): string | null => {
    const p = payload as { id?: unknown; name?: unknown }
    if (event === 'job.updated') return `job:${String(p.id)}`
    if (event === 'pool.updated') return `pool:${String(p.name)}`
    return null
  }

  return {
    push(event, payload) {
      const key = stateKey(event, payload)
      if (key) {
        pending.set(key, { event, payload })
        timer ??= setTimeout(flush, flushMs)
        return
      }
      // An ending or removal makes any pending update of that job stale.
      if (event === 'job.ended' || event === 'job.removed') {
        pending.delete(
          `job:${String((payload as { id?: unknown; jobId?: unknown }).id ?? (payload as { jobId?: unknown }).jobId)}`,
        )
      }
      send(event, payload)
    },
    close() {
      if (timer) clearTimeout(timer)
      timer = null
      pending.clear()
    },
  }
}
