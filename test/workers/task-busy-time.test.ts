import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { KindHandler } from '../../src/workers/kind-handler'
import { oneUnitTask as task, runInRuntime } from '../support/worker-runtime-harness'

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
