import type { ApiEvent } from '../shared/api'
import type { Schedule } from './schedule'

/**
 * Paces events to the window: a state event (`stateKey` gives it a key) keeps only its latest
 * payload per key and goes out at most every `intervalMs`; any other event goes at once, after the
 * pending states it would otherwise overtake (a job's last progress before its end).
 */
export class EventThrottle<E extends string> {
  private readonly pending = new Map<string, { event: E; payload: unknown }>()
  private cancel: (() => void) | null = null

  constructor(
    private readonly options: {
      send: (event: E, payload: unknown) => void
      stateKey: (event: E, payload: unknown) => string | null
      schedule: Schedule
      intervalMs?: number
    },
  ) {}

  push(event: E, payload: unknown): void {
    const key = this.options.stateKey(event, payload)
    if (key === null) {
      this.flush()
      this.options.send(event, payload)
      return
    }
    this.pending.set(key, { event, payload })
    this.cancel ??= this.options.schedule(this.options.intervalMs ?? 100, () => this.flush())
  }

  flush(): void {
    this.cancel?.()
    this.cancel = null
    const batch = [...this.pending.values()]
    this.pending.clear()
    for (const { event, payload } of batch) this.options.send(event, payload)
  }

  close(): void {
    this.cancel?.()
    this.cancel = null
    this.pending.clear()
  }
}

/** Progress is a state, not a stream: a job's or a pool's latest update replaces the one not yet sent. */
export function farmStateKey(event: string, payload: unknown): string | null {
  if (event === ('job.updated' satisfies ApiEvent)) return `job:${(payload as { id: number }).id}`
  if (event === ('pool.updated' satisfies ApiEvent)) return `pool:${(payload as { name: string }).name}`
  if (event === ('job.units' satisfies ApiEvent)) return `units:${(payload as { jobId: number }).jobId}`
  return null
}
