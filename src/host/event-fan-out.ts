import { apiEventNames, type ApiEvent } from '../shared/api'

/** The farm's event source; a Node EventEmitter fits. `on` may instead return an unsubscribe. */
export interface FarmEventSource {
  on(event: ApiEvent, listener: (payload: unknown) => void): unknown
  off?(event: ApiEvent, listener: (payload: unknown) => void): unknown
}

export type EventListener = (event: ApiEvent, payload: unknown) => void

/**
 * One subscription to the farm per host, shared by every page: hundreds of connections would
 * otherwise add hundreds of listeners to the farm's emitter (and its leak warning).
 */
export function fanOutEvents(events: FarmEventSource): { add(listener: EventListener): () => void; close(): void } {
  const listeners = new Set<EventListener>()
  const unsubscribers = apiEventNames.map((event) => {
    const forward = (payload: unknown): void => {
      for (const listener of listeners) listener(event, payload)
    }
    const result = events.on(event, forward)
    return typeof result === 'function' ? (result as () => void) : () => events.off?.(event, forward)
  })
  return {
    add(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      listeners.clear()
      for (const unsubscribe of unsubscribers) unsubscribe()
    },
  }
}
