import type { FromWorker } from '../shared/worker-protocol'
import type { HostTurns } from './kind-handler'

/**
 * A URL job's turns per host, asked of the farmer that paces them across every worker (see
 * docs/architecture.md, "Polite crawling"); a cancelled wait leaves its turn unused.
 */
export function farmHostTurns(send: (message: FromWorker) => void) {
  const waiting = new Map<number, (ticket: number) => void>()
  let asks = 0
  return {
    granted(ask: number, ticket: number): void {
      const go = waiting.get(ask)
      waiting.delete(ask)
      go?.(ticket)
    },
    forTask(taskId: number): HostTurns {
      return {
        turn: (host, crawlDelayMs, signal) =>
          new Promise((resolve) => {
            if (signal.aborted) return resolve(null)
            const ask = ++asks
            const onAbort = (): void => {
              waiting.delete(ask)
              resolve(null)
            }
            signal.addEventListener('abort', onAbort, { once: true })
            waiting.set(ask, (ticket) => {
              signal.removeEventListener('abort', onAbort)
              resolve(ticket)
            })
            send({ type: 'hostTurn', taskId, ask, host, crawlDelayMs })
          }),
        answered: (host, ticket, throttled, retryAfterMs) =>
          send({ type: 'hostAnswered', taskId, host, ticket, throttled, retryAfterMs }),
      }
    },
  }
}
