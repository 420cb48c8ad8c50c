import type { Job } from 'bullmq'
import { describe, expect, it } from 'vitest'
import type { HostProcesses, TaskSink } from '../../src/remote/host-processes'
import type { RemoteProgress } from '../../src/remote/remote-schemas'
import { runRemoteBatch } from '../../src/remote/run-remote-batch'
import type { FromWorker } from '../../src/shared/worker-protocol'

/**
 * How a host passes on what its worker process says about a batch (no Redis: a job that records its
 * progress updates, and processes that hand the test the batch's sink).
 */
describe("a remote batch's progress", () => {
  function batchOnFakeHost() {
    const updates: RemoteProgress[] = []
    const job = { id: 's-1', updateProgress: async (p: RemoteProgress) => void updates.push(p) } as unknown as Job
    let sink: TaskSink | undefined
    const processes = {
      run: async (_: unknown, s: TaskSink) => {
        sink = s
        return 1
      },
      cancel: () => {},
    } as unknown as HostProcesses
    const plan = { type: 'plan', taskId: 7, jobId: 1, spec: { kind: 'probe' } as never, batch: { units: 8, bytes: 0 } }
    const outcome = runRemoteBatch(job, plan as never, processes, 'alpha')
    return { updates, outcome, sink: () => sink! }
  }
  const planned: FromWorker = { type: 'planned', taskId: 1, batches: [{ units: '[["#0",0,{}]]', count: 1, size: 0 }] }

  it("sends a plan's items at once, not at the next beat: the farm starts their units while the plan goes on", async () => {
    const { updates, outcome, sink } = batchOnFakeHost()
    await new Promise((resolve) => setImmediate(resolve))
    sink().message(planned)
    await new Promise((resolve) => setImmediate(resolve))
    // Long before the 100 ms beat, and before the plan has ended.
    expect(updates).toEqual([{ host: 'alpha', messages: [{ ...planned, taskId: 7, from: 0 }] }])
    sink().message({ ...planned })
    sink().message({ type: 'done', taskId: 1, rss: 0 })
    const result = await outcome
    expect(result.planned).toBe(2)
    expect(updates.map((u) => u.messages.map((m) => (m.type === 'planned' ? m.from : m.type)))).toEqual([[0], [1]])
  })
})
