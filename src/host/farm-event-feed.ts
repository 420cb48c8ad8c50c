import { apiEventNames, type ApiEvent } from '../shared/api'
import { EventThrottle, farmStateKey } from '../core/event-throttle'
import { timerSchedule } from '../core/schedule'

/** The farm's event source; a Node EventEmitter fits. `on` may instead return an unsubscribe. */
export interface FarmEventSource {
  on(event: ApiEvent, listener: (payload: unknown) => void): unknown
  off?(event: ApiEvent, listener: (payload: unknown) => void): unknown
}

export interface FarmEventFeed {
  /** Sends what the throttle holds back now (before a connection closes). */
  flush(): void
  close(): void
}

/**
 * Forwards every farm event to one connection: the latest progress per job and pool at most every
 * 100 ms, logs and endings at once, after it.
 */
export function feedFarmEvents(
  events: FarmEventSource,
  send: (event: ApiEvent, payload: unknown) => void,
): FarmEventFeed {
  const throttle = new EventThrottle<ApiEvent>({ send, stateKey: farmStateKey, schedule: timerSchedule })
  const unsubscribers = apiEventNames.map((event) => {
    const listener = (payload: unknown): void => throttle.push(event, payload)
    const result = events.on(event, listener)
    return typeof result === 'function' ? (result as () => void) : () => events.off?.(event, listener)
  })
  return {
    flush: () => throttle.flush(),
    close() {
      throttle.close()
      for (const unsubscribe of unsubscribers) unsubscribe()
    },
  }
}
