import { spawn, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process'
import type { Readable } from 'node:stream'
import type { CommandSpec } from '../../../shared/kinds/command'
import { argvFor, shellLineFor } from '../../../shared/kinds/command-line'
import { windowsSpawnPlan } from './windows-spawn'

const windows = process.platform === 'win32'

/**
 * Starts one input's command, or returns why it could not start. `spawn` throws synchronously for
 * some inputs (a NUL byte in an argument, a UTF-16 input file read as UTF-8; EINVAL for a `.cmd` on
 * Windows): that is this unit's failure, never the whole task's.
 */
export function startCommand(
  spec: CommandSpec,
  input: string,
  seq: number,
  spawnOptions: SpawnOptions & { env: Record<string, string | undefined>; cwd?: string },
): ChildProcessByStdio<null, Readable, Readable> | Error {
  const options = { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] }
  try {
    // No shell unless asked: the input is one argument whatever it holds (spaces, quotes, `;`, `$(…)`).
    if (spec.shell)
      return spawn(shellLineFor(spec.command, input, seq, windows ? 'cmd' : 'posix'), {
        ...options,
        shell: true,
        windowsHide: true,
      })
    const argv = argvFor(spec.command, input, seq, windows)
    if (!windows) return spawn(argv[0]!, argv.slice(1), { ...options, windowsHide: true })
    const plan = windowsSpawnPlan(argv, options.env, options.cwd ?? process.cwd())
    return spawn(plan.file, plan.args, {
      ...options,
      windowsVerbatimArguments: plan.windowsVerbatimArguments,
      windowsHide: true,
    })
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error))
  }
}
