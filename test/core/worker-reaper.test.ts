import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { startReaper, WorkerReaper } from '../../src/core/worker-reaper'
import type { ToWorker } from '../../src/shared/worker-protocol'
import { isProcessGone } from '../support/process-state'
import { until } from '../support/test-farm'

const sleepers: ChildProcess[] = []
afterEach(() => {
  for (const sleeper of sleepers.splice(0)) sleeper.kill('SIGKILL')
})

/** A process standing in for a worker: it only waits. */
function fakeWorker(): number {
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' })
  sleepers.push(sleeper)
  return sleeper.pid!
}

/** What the farm does when it dies, however it dies: the reaper's input ends. */
async function farmGone(reaper: WorkerReaper): Promise<void> {
  const ended = once(reaper.shell, 'exit')
  reaper.shell.stdin!.end()
  await ended
}

describe.skipIf(process.platform === 'win32')('the reaper that ends module workers with their farm', () => {
  it('kills the workers listed when its farm is gone, and only those', async () => {
    const reaper = startReaper()!
    const [running, other, finished] = [fakeWorker(), fakeWorker(), fakeWorker()]
    reaper.list(running, true)
    reaper.list(finished, true)
    reaper.list(finished, false) // it ran other work afterwards, or ended
    await farmGone(reaper)
    await until(() => isProcessGone(running), 'the listed worker to be killed')
    expect(isProcessGone(other)).toBe(false)
    expect(isProcessGone(finished)).toBe(false)
  })

  it('kills nothing when no worker is listed any more as its farm stops', async () => {
    const reaper = startReaper()!
    const worker = fakeWorker()
    reaper.list(worker, true)
    reaper.list(worker, false)
    await farmGone(reaper)
    expect(isProcessGone(worker)).toBe(false)
  })

  it('is not ended by the signals a terminal sends its whole process group', async () => {
    const reaper = startReaper()!
    const worker = fakeWorker()
    reaper.list(worker, true)
    for (const signal of ['SIGINT', 'SIGHUP', 'SIGTERM'] as const) reaper.shell.kill(signal)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(reaper.shell.exitCode).toBe(null)
    await farmGone(reaper)
    await until(() => isProcessGone(worker), 'the listed worker to be killed')
  })
})

describe("which messages hand a worker the person's code", () => {
  const spec = (kind: string) => ({ kind }) as unknown as Extract<ToWorker, { type: 'run' }>['spec']
  it("lists a worker for a module job's tasks and code, and takes it off for other jobs' tasks", () => {
    const run = (kind: string) =>
      ({ type: 'run', taskId: 1, jobId: 1, spec: spec(kind), batches: [], units: [] }) as ToWorker
    expect(WorkerReaper.runsUserCode(run('module'))).toBe(true)
    expect(WorkerReaper.runsUserCode({ type: 'warm', kind: 'module' })).toBe(true)
    expect(WorkerReaper.runsUserCode(run('command'))).toBe(false)
    // Loading another kind's code, a cancel or a shutdown changes nothing.
    expect(WorkerReaper.runsUserCode({ type: 'warm', kind: 'copy' })).toBe(null)
    expect(WorkerReaper.runsUserCode({ type: 'cancel', taskId: 1 })).toBe(null)
    expect(WorkerReaper.runsUserCode({ type: 'shutdown' })).toBe(null)
  })
})
