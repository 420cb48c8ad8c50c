import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { commandSpecSchema } from '../../../../src/shared/kinds/command'
import { runOneCommand } from '../../../../src/workers/kinds/command/run-one-command'

/** Hears each run's process as it starts, to stop the job at the moment of its choosing. */
const started: { onChild: ((child: ChildProcess) => void) | null } = { onChild: null }
vi.mock('../../../../src/workers/kinds/command/start-command', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../src/workers/kinds/command/start-command')>()
  return {
    startCommand: (...args: Parameters<typeof real.startCommand>) => {
      const child = real.startCommand(...args)
      if (!(child instanceof Error)) started.onChild?.(child)
      return child
    },
  }
})

/** Runs `sh -c script` as one input's command, under `signal`, with `onChild` hearing its process. */
async function runScript(script: string, signal: AbortSignal, onChild: (child: ChildProcess) => void) {
  started.onChild = onChild
  const spec = commandSpecSchema.parse({
    kind: 'command',
    command: ['sh', '-c', script],
    input: { type: 'list', values: ['x'] },
  })
  try {
    return await runOneCommand(spec, { input: 'x', seq: 1, outputFolder: null }, signal)
  } finally {
    started.onChild = null
  }
}

// POSIX only: the command is a sh script.
describe.skipIf(process.platform === 'win32')('a stop that comes as a command ends', () => {
  it('keeps the record of a command that exited before the stop: a resume does not run it again', async () => {
    // The farm model found it: a job stopped (its deadline) between a command's exit and the close of
    // its pipes dropped the finished run, and the resume ran it a second time. Here the stop comes
    // in the exit event itself, before the run is closed.
    const controller = new AbortController()
    const record = await runScript('exit 0', controller.signal, (child) =>
      child.prependListener('exit', () => controller.abort()),
    )
    expect(controller.signal.aborted).toBe(true)
    expect(record).toMatchObject({ exitCode: 0, signal: null, timedOut: false })
  })

  it('keeps the failure of a command that exited before the stop came, though Node had not read its exit yet', async () => {
    // The farm model found it too: the stop and the command's exit in the same turn of the loop, the
    // exit not yet read, so the failed run was taken for a stopped one and ran again on resume.
    const controller = new AbortController()
    const record = await runScript('exit 3', controller.signal, (child) =>
      child.once('spawn', () => {
        // The loop is held until the command has exited (a zombie not yet reaped), then the stop comes.
        waitUntilExited(child.pid!)
        controller.abort()
      }),
    )
    expect(record).toMatchObject({ exitCode: 3, signal: null, timedOut: false })
  })
})

/** Blocks until `pid` has exited: Linux tells by /proc (state Z); elsewhere a generous pause does. */
function waitUntilExited(pid: number): void {
  const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  if (process.platform !== 'linux') return pause(1000)
  for (let waited = 0; waited < 10_000; waited += 5) {
    if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return
    pause(5)
  }
}
