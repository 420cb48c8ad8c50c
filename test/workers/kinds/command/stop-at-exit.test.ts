import type { ChildProcess } from 'node:child_process'
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

// POSIX only: the command is a sh script.
describe.skipIf(process.platform === 'win32')('a stop that comes as a command ends', () => {
  it('keeps the record of a command that exited before the stop: a resume does not run it again', async () => {
    // The farm model found it: a job stopped (its deadline) between a command's exit and the close of
    // its pipes dropped the finished run, and the resume ran it a second time. Here the stop comes
    // in the exit event itself, before the run is closed.
    const controller = new AbortController()
    started.onChild = (child) => child.prependListener('exit', () => controller.abort())
    const spec = commandSpecSchema.parse({
      kind: 'command',
      command: ['sh', '-c', 'exit 0'],
      input: { type: 'list', values: ['x'] },
    })
    const record = await runOneCommand(spec, { input: 'x', seq: 1, outputFolder: null }, controller.signal)
    started.onChild = null
    expect(controller.signal.aborted).toBe(true)
    expect(record).toMatchObject({ exitCode: 0, signal: null, timedOut: false })
  })
})
