import type { FromWorker, ToWorker } from '../../src/shared/worker-protocol'
import type { KindHandler } from '../../src/workers/kind-handler'
import { startWorkerRuntime, type HandlerLoaders } from '../../src/workers/worker-runtime'

/** Runs one task in the worker runtime (its transport in memory, every kind served by `handler`); every message it sent. */
export async function runInRuntime(handler: KindHandler, message: ToWorker): Promise<FromWorker[]> {
  const sent: FromWorker[] = []
  let listener: ((message: ToWorker) => void) | null = null
  await new Promise<void>((resolve) => {
    startWorkerRuntime(
      {
        send(m: FromWorker) {
          sent.push(m)
          if (m.type === 'done' || m.type === 'failed') resolve()
        },
        onMessage: (l) => (listener = l),
        exit: () => {},
      },
      new Proxy({}, { get: () => async () => handler }) as HandlerLoaders,
    )
    listener!(message)
  })
  return sent
}

/** A run task of one probe unit, for tests of the runtime itself (their handler decides what it does). */
export const oneUnitTask: Extract<ToWorker, { type: 'run' }> = {
  type: 'run',
  taskId: 1,
  jobId: 1,
  spec: { kind: 'probe', count: 1, chunk: 1 } as never,
  batches: [],
  units: [{ id: 1, key: '0', payload: null, size: 0, attempt: 1 }],
}
