import { afterEach, describe, expect, it } from 'vitest'
import { childProcessLauncher } from '../../src/core/child-process-worker'
import type { WorkerHandle } from '../../src/core/worker-handle'
import type { JobSpec } from '../../src/shared/job-spec'
import { unitId, type FromWorker } from '../../src/shared/worker-protocol'
import { until, workerEntry } from '../support/test-farm'

const handles: WorkerHandle[] = []
afterEach(() => {
  for (const handle of handles.splice(0)) handle.kill()
})

const probe = { kind: 'probe', count: 5, chunk: 1, sleepMs: 0, failOn: [], crashOn: [], throwOn: [], hangOn: [] }

describe('what a task prints', () => {
  it('reaches the farm as the task’s log lines, before the task’s end, and not down the stdout pipe', async () => {
    const worker = childProcessLauncher(workerEntry)({ pool: 'cpu', workerId: 1 })
    handles.push(worker)
    const messages: FromWorker[] = []
    const piped: string[] = []
    worker.onMessage((message) => messages.push(message))
    worker.onOutput((stream, line) => piped.push(`${stream}: ${line}`))
    await worker.start()
    const spec = { ...probe, printOn: [2, 3] } as unknown as JobSpec
    const units = [1, 2, 3].map((n) => ({
      id: unitId(1, n),
      key: `#${n}`,
      payload: { n, first: n, count: 1 },
      size: 0,
      attempt: 1,
    }))
    worker.post({ type: 'run', taskId: 7, jobId: 4, spec, batches: [], units })
    await until(() => messages.some((m) => m.type === 'done'), 'the task to end')
    // Down the pipe a line printed just before the end could come after it, when the farm no longer
    // knew which job the worker had been on: in order with the end, it can only come before.
    const seen = messages
      .filter((m) => m.type === 'log' || m.type === 'done')
      .map((m) => ('message' in m ? m.message : m.type))
    expect(seen).toEqual(['probe item 2 says hello', 'probe item 3 says hello', 'done'])
    expect(messages.find((m) => m.type === 'log')).toMatchObject({ taskId: 7, level: 'info' })
    expect(piped).toEqual([])
  }, 30_000)
})
