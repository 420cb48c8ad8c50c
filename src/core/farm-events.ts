import { EventEmitter } from 'node:events'
import type { ApiEvent, ApiEventPayload } from '../shared/api'

/** The farm's events, typed by the contract; hosts forward them to the UI as they are. */
export class FarmEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(100)

  on<E extends ApiEvent>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void {
    this.emitter.on(event, listener)
    return () => this.emitter.off(event, listener)
  }

  emit<E extends ApiEvent>(event: E, payload: ApiEventPayload<E>): void {
    this.emitter.emit(event, payload)
  }
}
