import { beforeEach, describe, expect, it, vi } from 'vitest'
import { utilityProcessLauncher } from '../../../src/main/utility-process-worker'
import type { WorkerExit } from '../../../src/core/worker-handle'
import { app, forked, resetElectronMock, utilityProcess } from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

const launch = utilityProcessLauncher('/app/out/main/worker.js')

/** Starts a worker and plays its child saying `ready`. */
async function started(workerId: number) {
  const worker = launch({ pool: 'disk', workerId })
  const exits: WorkerExit[] = []
  worker.onExit((exit) => exits.push(exit))
  const ready = worker.start()
  const child = forked.at(-1)!
  child.emit('message', { type: 'ready' })
  await ready
  return { worker, child, exits }
}

describe('the utility-process launcher', () => {
  beforeEach(() => resetElectronMock())

  it('forks the worker entry as a named utility process and settles start on `ready`', async () => {
    const { worker, child } = await started(1)
    expect(utilityProcess.fork).toHaveBeenCalledWith('/app/out/main/worker.js', [], {
      serviceName: 'Task Farm disk worker 1',
      stdio: 'pipe',
    })
    expect(worker.pid).toBe(child.pid)
    worker.post({ type: 'shutdown' })
    expect(child.posted).toEqual([{ type: 'shutdown' }])
  })

  it('passes messages and output lines on', async () => {
    const { worker, child } = await started(2)
    const messages: unknown[] = []
    const lines: string[] = []
    worker.onMessage((m) => messages.push(m))
    worker.onOutput((stream, line) => lines.push(`${stream}:${line}`))
    child.emit('message', { type: 'log', taskId: 't', level: 'info', message: 'hi' })
    child.stderr.write('first\nsecond\n')
    await vi.waitFor(() => expect(lines).toEqual(['stderr:first', 'stderr:second']), { timeout: 10_000 })
    expect(messages).toEqual([{ type: 'log', taskId: 't', level: 'info', message: 'hi' }])
  })

  it('names a crash from app `child-process-gone`, routed by service name', async () => {
    const { child, exits } = await started(3)
    app.emit(
      'child-process-gone',
      {},
      { type: 'Utility', name: 'Task Farm disk worker 3', reason: 'crashed', exitCode: 11 },
    )
    child.emit('exit', 11)
    expect(exits).toEqual([{ reason: 'crashed', code: 11, signal: null }])
  })

  it('says `killed` when the farm killed it, and posts nothing after the exit', async () => {
    const { worker, child, exits } = await started(4)
    worker.kill()
    expect(child.kill).toHaveBeenCalled()
    app.emit(
      'child-process-gone',
      {},
      { type: 'Utility', name: 'Task Farm disk worker 4', reason: 'killed', exitCode: 9 },
    )
    child.emit('exit', 9)
    expect(exits[0]?.reason).toBe('killed')
    worker.post({ type: 'shutdown' })
    expect(child.posted).toEqual([])
  })

  it('rejects start when the child exits before it is ready', async () => {
    const worker = launch({ pool: 'cpu', workerId: 5 })
    const ready = worker.start()
    forked.at(-1)!.emit('exit', 0)
    await expect(ready).rejects.toThrow('worker exited before it was ready (code 0)')
  })

  it('fails the launch, never forking, before the app is ready, and when fork throws', async () => {
    app.ready = false
    await expect(launch({ pool: 'cpu', workerId: 6 }).start()).rejects.toThrow('once the app is ready')
    expect(utilityProcess.fork).not.toHaveBeenCalled()

    app.ready = true
    utilityProcess.fork.mockImplementationOnce(() => {
      throw new Error('no such file')
    })
    const worker = launch({ pool: 'cpu', workerId: 7 })
    const exits: WorkerExit[] = []
    worker.onExit((exit) => exits.push(exit))
    await expect(worker.start()).rejects.toThrow('no such file')
    expect(exits).toEqual([{ reason: 'launch-failed', code: null, signal: null }])
  })
})
