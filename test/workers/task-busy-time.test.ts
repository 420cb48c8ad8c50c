import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { ToWorker } from '../../src/shared/worker-protocol'
import type { KindHandler } from '../../src/workers/kind-handler'
import { runInRuntime } from '../support/worker-runtime-harness'

const task: Extract<ToWorker, { type: 'run' }> = {
  type: 'run',
  taskId: 1,
  jobId: 1,
  spec: { kind: 'probe', count: 1, chunk: 1 } as never,
  batches: [],
  units: [{ id: 1, key: '0', payload: null, size: 0, attempt: 1 }],
}

// The farm sizes a job's next tasks by this time (a remote batch's trip through Redis is no unit's cost).
describe("a task's end tells how long it took in the worker", () => {
  it('when it is done, and when it failed', async () => {
    const working: KindHandler = { plan: async () => undefined, run: () => sleep(30) }
    const done = (await runInRuntime(working, task)).find((m) => m.type === 'done')
    expect(done).toMatchObject({ busyMs: expect.any(Number) })
    // At least the handler's own sleep (a lower bound: timers never fire early by more than a tick).
    expect((done as { busyMs: number }).busyMs).toBeGreaterThanOrEqual(25)

    const failing: KindHandler = {
      plan: async () => undefined,
      run: async () => {
        await sleep(30)
        throw new Error('broken')
      },
    }
    const failed = (await runInRuntime(failing, task)).find((m) => m.type === 'failed')
    expect((failed as { busyMs: number }).busyMs).toBeGreaterThanOrEqual(25)
  })
})
