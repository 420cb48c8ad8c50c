import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { ReapedWorker, WorkerReaper } from '../../src/core/worker-reaper'
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

/** Whether a process group of this id exists (POSIX: a signal 0 to the group), without `ps`. */
function groupExists(id: number): boolean {
  try {
    process.kill(-id, 0)
    return true
  } catch {
    return false
  }
}

/** Whether a process ignores all these signals (Linux: the SigIgn mask in /proc). */
function ignores(pid: number, signals: number[]): boolean {
  const mask = /SigIgn:\s*([0-9a-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return mask !== undefined && signals.every((n) => (BigInt(`0x${mask}`) >> BigInt(n - 1)) & 1n)
}

/** What the farm does when it dies, however it dies: the reaper's input ends. */
async function farmGone(reaper: WorkerReaper): Promise<void> {
  const ended = once(reaper.shell!, 'exit')
  reaper.shell!.stdin!.end()
  await ended
}

describe.skipIf(process.platform === 'win32')('the reaper that ends module workers with their farm', () => {
  it('starts no shell until a worker is listed', () => {
    expect(new WorkerReaper().shell).toBe(null)
  })

  it('kills the workers listed when its farm is gone, and only those', async () => {
    const reaper = new WorkerReaper()
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
    const reaper = new WorkerReaper()
    const worker = fakeWorker()
    reaper.list(worker, true)
    reaper.list(worker, false)
    await farmGone(reaper)
    expect(isProcessGone(worker)).toBe(false)
  })

  it('is out of reach of the signals a terminal sends its process group, and ignores them once running', async () => {
    const reaper = new WorkerReaper()
    const worker = fakeWorker()
    reaper.list(worker, true)
    const shell = reaper.shell!.pid!
    // Its own process group (and session): Ctrl-C or a closed terminal signals the farm's group only.
    expect(groupExists(shell)).toBe(true)
    if (process.platform === 'linux') {
      // Sent to it directly, once its script runs (the signals it ignores are in /proc), they do nothing.
      await until(() => ignores(shell, [2, 1, 15]), 'the reaper to ignore INT, HUP and TERM')
      for (const signal of ['SIGINT', 'SIGHUP', 'SIGTERM'] as const) reaper.shell!.kill(signal)
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(reaper.shell!.exitCode).toBe(null)
    }
    await farmGone(reaper)
    await until(() => isProcessGone(worker), 'the listed worker to be killed')
  })
})

describe("which workers are listed: those with the person's code and no command in hand", () => {
  const spec = (kind: string) => ({ kind }) as unknown as Extract<ToWorker, { type: 'run' }>['spec']
  const run = (kind: string, taskId: number) =>
    ({ type: 'run', taskId, jobId: 1, spec: spec(kind), batches: [], units: [] }) as ToWorker
  const watched = () => {
    const said: boolean[] = []
    return { said, worker: new ReapedWorker((on) => said.push(on)) }
  }

  it("lists a worker for a module job's tasks and code; other kinds' code and messages change nothing", () => {
    const { said, worker } = watched()
    worker.sent({ type: 'warm', kind: 'copy' })
    worker.sent(run('probe', 1))
    worker.sent({ type: 'cancel', taskId: 1 })
    expect(said.at(-1)).toBe(false)
    worker.sent(run('module', 2))
    expect(said.at(-1)).toBe(true)
    worker.ended(2)
    worker.sent({ type: 'shutdown' })
    // Its module code stays loaded: it may still hold the thread (a call that never returned).
    expect(said.at(-1)).toBe(true)
    const warmed = watched()
    warmed.worker.sent({ type: 'warm', kind: 'module' })
    expect(warmed.said.at(-1)).toBe(true)
  })

  it('takes a worker off while a command of it runs, even beside a module task, and lists it again after', () => {
    // The farm model found it: a module task went to a worker whose command still ran, the reaper
    // killed that worker with its farm, and the command lived on beside the next farm's run of it.
    const { said, worker } = watched()
    worker.sent(run('command', 1))
    worker.sent(run('module', 2))
    expect(said.at(-1)).toBe(false)
    worker.ended(1)
    expect(said.at(-1)).toBe(true)
    worker.sent(run('command', 3))
    expect(said.at(-1)).toBe(false)
  })
})
