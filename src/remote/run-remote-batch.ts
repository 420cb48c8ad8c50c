import type { Job } from 'bullmq'
import type { FromWorker, ItemFailure, ItemSuccess } from '../shared/worker-protocol'
import type { HostProcesses } from './host-processes'
import type { RemoteJobData, RemoteMessage, RemoteOutcome, RemoteProgress } from './remote-protocol'

/** How often a running batch sends what its worker said: as often as a local worker reports. */
const PROGRESS_MS = 100

/**
 * Runs one BullMQ job (a batch, plan or clean-up) on one of the host's worker processes, passes what
 * the process says to the farm as job progress, and returns the whole outcome as the job's value.
 * A process that dies under the batch fails the job: BullMQ reports it, the farm re-queues the units.
 */
export async function runRemoteBatch(
  job: Job<RemoteJobData>,
  processes: HostProcesses,
  hostName: string,
  signal?: AbortSignal,
): Promise<RemoteOutcome> {
  const { message } = job.data
  const farmTaskId = message.taskId
  const itemsDone: ItemSuccess[] = []
  const itemsFailed: ItemFailure[] = []
  let planned = 0
  let pending: RemoteMessage[] = []
  let sending: Promise<void> = Promise.resolve()

  const flush = (): void => {
    if (!pending.length) return
    const progress: RemoteProgress = { host: hostName, messages: pending }
    pending = []
    // In order, one at a time; a failed update (Redis away) only costs liveness: the outcome has it all.
    sending = sending.then(() => job.updateProgress(progress as never)).catch(() => {})
  }
  const timer = setInterval(flush, PROGRESS_MS)
  const label =
    message.type === 'run' ? (message.items[0]?.key ?? '') : message.type === 'plan' ? 'planning' : 'cleaning up'

  try {
    const final = await new Promise<Extract<FromWorker, { type: 'done' | 'failed' }>>((resolve, reject) => {
      const sink = {
        jobId: message.jobId,
        label,
        message(m: FromWorker) {
          if (m.type === 'ready') return
          const asFarm = { ...m, taskId: farmTaskId } as FromWorker
          switch (asFarm.type) {
            case 'done':
            case 'failed':
              return resolve(asFarm)
            case 'itemsDone':
              itemsDone.push(...asFarm.items)
              break
            case 'itemsFailed':
              itemsFailed.push(...asFarm.items)
              break
            case 'planned':
              pending.push({ ...asFarm, from: planned })
              planned += asFarm.items.length
              return
          }
          pending.push(asFarm)
        },
        lost(exit: { reason: string; signal: string | null; code: number | null }) {
          reject(
            new Error(
              `its worker process on ${hostName} ended (${exit.reason}${exit.signal ? `, ${exit.signal}` : exit.code !== null ? `, code ${exit.code}` : ''})`,
            ),
          )
        },
      }
      processes.run(message, sink).then((localId) => {
        const cancel = () => processes.cancel(localId)
        if (signal?.aborted) cancel()
        else signal?.addEventListener('abort', cancel, { once: true })
      }, reject)
    })
    flush()
    await sending
    return { final, itemsDone, itemsFailed, planned, host: hostName }
  } finally {
    clearInterval(timer)
  }
}
