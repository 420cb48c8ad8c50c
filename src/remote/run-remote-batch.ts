import type { Job } from 'bullmq'
import type { DoneRun, FromWorker, ItemFailure, ItemSuccess } from '../shared/worker-protocol'
import type { HostProcesses } from './host-processes'
import type { RemoteMessage, RemoteOutcome, RemoteProgress, RemoteTask } from './remote-protocol'

/** How often a running batch sends what its worker said: as often as a local worker reports. */
const PROGRESS_MS = 100

/**
 * Runs one BullMQ job (a batch, plan or clean-up) on one of the host's worker processes, passes what
 * the process says to the farm as job progress, and returns the whole outcome as the job's value.
 * A process that dies under the batch fails the job: BullMQ reports it, the farm re-queues the units.
 */
export async function runRemoteBatch(
  job: Job,
  message: RemoteTask,
  processes: HostProcesses,
  hostName: string,
  signal?: AbortSignal,
): Promise<RemoteOutcome> {
  const farmTaskId = message.taskId
  const doneIds: number[] = []
  const doneResults: ItemSuccess[] = []
  const doneRuns: DoneRun[] = []
  let doneBytes = 0
  const unitsFailed: ItemFailure[] = []
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
  // A run's packed items are not unpacked here just for a label: the worker process does that.
  const label =
    message.type === 'run'
      ? (message.units[0]?.key ?? `${message.batches.length} items`)
      : message.type === 'plan'
        ? 'planning'
        : 'cleaning up'

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
            // Outcomes travel once, in the job's return value, which BullMQ stores with its completion.
            case 'unitsDone':
              for (const id of asFarm.ids) doneIds.push(id)
              for (const result of asFarm.results) doneResults.push(result)
              for (const run of asFarm.runs ?? []) doneRuns.push(run)
              doneBytes += asFarm.bytes
              return
            case 'unitsFailed':
              for (const failure of asFarm.items) unitsFailed.push(failure)
              return
            case 'planned':
              // Sent at once: the farm starts a plan's units as they come.
              queueMicrotask(flush)
              pending.push({ ...asFarm, from: planned })
              planned += asFarm.batches.length
              return
          }
          pending.push(asFarm as RemoteMessage)
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
    return { final, doneIds, doneResults, doneRuns, doneBytes, unitsFailed, planned, host: hostName }
  } finally {
    clearInterval(timer)
  }
}
