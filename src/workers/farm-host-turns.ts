import type { FromWorker } from '../shared/worker-protocol'
import type { HostTurns } from './kind-handler'

/** How long requests sent without a turn are tallied before the farmer hears of them. */
const USED_FLUSH_MS = 100

/**
 * A URL job's turns per host, asked of the farmer that paces them across every worker (see
 * docs/architecture.md, "Polite crawling"); a cancelled wait leaves its turn unused. Requests sent
 * without asking (`used`) are tallied per job and host and sent in one message every ~100 ms: by
 * job, as a task may have ended by then (a message per task's end would cost more than it says).
 */
export function farmHostTurns(send: (message: FromWorker) => void) {
  const waiting = new Map<number, (ticket: number) => void>()
  let asks = 0
  const tallies = new Map<number, { taskId: number; hosts: Map<string, { requests: number; ok: number }> }>()
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = (): void => {
    if (timer) clearTimeout(timer)
    timer = null
    for (const [jobId, { taskId, hosts }] of tallies)
      send({ type: 'hostsUsed', taskId, jobId, hosts: [...hosts].map(([host, used]) => ({ host, ...used })) })
    tallies.clear()
  }
  return {
    granted(ask: number, ticket: number): void {
      const go = waiting.get(ask)
      waiting.delete(ask)
      go?.(ticket)
    },
    forTask(taskId: number, jobId: number): HostTurns {
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
        answered: (host, ticket, throttled, retryAfterMs) => {
          // The farmer counts the requests sent without asking before it judges a throttled answer.
          if (throttled) flush()
          send({ type: 'hostAnswered', taskId, host, ticket, throttled, retryAfterMs })
        },
        used: (host, requests, ok) => {
          let job = tallies.get(jobId)
          if (!job) tallies.set(jobId, (job = { taskId, hosts: new Map() }))
          job.taskId = taskId
          const hosts = job.hosts
          const tally = hosts.get(host)
          if (tally) {
            tally.requests += requests
            tally.ok += ok
          } else hosts.set(host, { requests, ok })
          timer ??= setTimeout(flush, USED_FLUSH_MS)
        },
      }
    },
  }
}
