import { describe, expect, it } from 'vitest'
import type { JobSpec } from '../../src/shared/job-spec'
import type { FromWorker, PlannedBatch, ToWorker } from '../../src/shared/worker-protocol'
import type { KindHandler } from '../../src/workers/kind-handler'
import { startWorkerRuntime, type HandlerLoaders } from '../../src/workers/worker-runtime'

/** A plan of `count` units that waits `pauseMs` after every `every` units (a slow disk, a busy host). */
function slowPlan(pauseMs: number, every: number): KindHandler {
  return {
    async plan(spec, ctx) {
      const count = (spec as { count: number }).count
      for (let n = 0; n < count; n++) {
        if (pauseMs > 0 && n % every === 0) await new Promise((resolve) => setTimeout(resolve, pauseMs))
        ctx.emit({ key: `#${n}`, payload: { n }, size: n % 7 })
      }
    },
    run: async () => {},
  }
}

/** Runs one plan task in the worker runtime (no process: the transport is in memory); its items in order. */
async function planItems(handler: KindHandler, count: number, batch: { units: number; bytes: number }) {
  const items: PlannedBatch[] = []
  let listener: ((message: ToWorker) => void) | null = null
  const ended = new Promise<void>((resolve, reject) => {
    startWorkerRuntime(
      {
        send(message: FromWorker) {
          if (message.type === 'planned') items.push(...message.batches)
          if (message.type === 'done') resolve()
          if (message.type === 'failed') reject(new Error(message.error.message))
        },
        onMessage: (l) => (listener = l),
        exit: () => {},
      },
      new Proxy({}, { get: () => async () => handler }) as HandlerLoaders,
    )
  })
  const spec = { kind: 'probe', count } as unknown as JobSpec
  listener!({ type: 'plan', taskId: 1, jobId: 1, spec, batch })
  await ended
  return items
}

describe('a plan packs its units into items', () => {
  it('at the same boundaries however slowly it runs: a replayed plan yields the same items', async () => {
    const bounds = { units: 64, bytes: 500 }
    const fast = await planItems(slowPlan(0, 1), 600, bounds)
    // 40 ms pauses: longer than the worker's flush period, so a clock would close items early.
    const slow = await planItems(slowPlan(40, 25), 600, bounds)
    expect(slow).toEqual(fast)
    expect(fast.reduce((sum, item) => sum + item.count, 0)).toBe(600)
    // Bounded by units and bytes, and the first items small so the first units start early.
    expect(fast.every((item) => item.count <= 64)).toBe(true)
    expect(fast.slice(0, 3).map((item) => item.count)).toEqual([1, 2, 4])
    const keys = fast.flatMap((item) => (JSON.parse(item.units) as [string][]).map(([key]) => key))
    expect(keys).toEqual(Array.from({ length: 600 }, (_, n) => `#${n}`))
  }, 60_000)
})
