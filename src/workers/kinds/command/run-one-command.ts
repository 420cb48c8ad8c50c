import { join } from 'node:path'
import type { CommandResult, CommandSpec } from '../../../shared/kinds/command'
import { FARM_PID_VARIABLE, HISTORY_VARIABLE, WORKER_PID_VARIABLE } from '../../../shared/kinds/command-limits'
import { farmIsGone, farmPid } from '../../farm-alive'
import { OutputCapture } from './output-capture'
import { killTree, track, treeSpawnOptions } from './process-tree'
import { startCommand } from './start-command'

const windows = process.platform === 'win32'

export interface RunTarget {
  input: string
  seq: number
  /** The job's output folder (`<outputDir>/job-<id>`), made already, or null. */
  outputFolder: string | null
  /** Which try of the input this is (1 for the first). */
  attempt?: number
  /** The job's history file, named in the run's environment (`HISTORY_VARIABLE`), when known. */
  history?: string
}

/**
 * Runs one input's command to its end. Resolves to the run's record, or null when the job was
 * cancelled mid-run or the farm is gone (the input stays pending for a resume). Retries are the farm's (its retry
 * policy); `onGroup` hears the run's process group as soon as it exists.
 */
export function runOneCommand(
  spec: CommandSpec,
  target: RunTarget,
  signal: AbortSignal,
  onGroup: (group: number) => void = () => {},
): Promise<CommandResult | null> {
  if (signal.aborted || farmIsGone()) return Promise.resolve(null)
  return runOnce(spec, target, signal, onGroup)
}

export const succeeded = (r: CommandResult): boolean => r.exitCode === 0 && !r.timedOut

/** One line saying how a run failed, for the unit's error and the log. */
export function failureLine(r: CommandResult): string {
  const how = r.timedOut
    ? `timed out after ${(r.durationMs / 1000).toFixed(1)} s (process tree killed)`
    : r.signal
      ? `killed by ${r.signal}`
      : `exit code ${r.exitCode}`
  const tries = r.attempts > 1 ? ` after ${r.attempts} tries` : ''
  return `${how}${tries}`
}

function runOnce(
  spec: CommandSpec,
  target: RunTarget,
  signal: AbortSignal,
  onGroup: (group: number) => void,
): Promise<CommandResult | null> {
  const started = performance.now()
  const base = target.outputFolder ? join(target.outputFolder, String(target.seq)) : null
  const stdout = new OutputCapture(base && `${base}.stdout`)
  const stderr = new OutputCapture(base && `${base}.stderr`)
  const options = {
    ...treeSpawnOptions,
    cwd: spec.cwd,
    // The farmer finds a killed worker's runs by it, even one it was not yet told about; the next farm
    // finds a dead farm's runs by the other.
    env: {
      ...process.env,
      ...spec.env,
      [WORKER_PID_VARIABLE]: String(process.pid),
      [FARM_PID_VARIABLE]: String(farmPid),
      ...(target.history ? { [HISTORY_VARIABLE]: target.history } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
  }
  const child = startCommand(spec, target.input, target.seq, options)
  if (child instanceof Error) {
    void stdout.close()
    return Promise.resolve(notStarted(spec, child, target.attempt ?? 1, started, stderr))
  }
  track(child)
  // On POSIX the run leads its own group (`detached`): its pid is the group's id.
  if (child.pid !== undefined && !windows) onGroup(child.pid)
  let timedOut = false
  let cancelled = false
  const kill = (): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) killTree(child.pid)
  }
  const timer = spec.timeoutS > 0 ? setTimeout(() => ((timedOut = true), kill()), spec.timeoutS * 1000) : null
  const onAbort = (): void => {
    // A command that has ended already (its pipes may still be draining) finished: its record stands
    // and the farm keeps it, so a resume never runs a finished command again. Its exit may have come
    // just before the stop without Node having read it yet (the child's signal is read in the next
    // poll of the loop): the look waits for that poll, else a failed run was taken for a stopped one.
    afterNextPoll(() => {
      if (child.exitCode !== null || child.signalCode !== null) return
      cancelled = true
      kill()
    })
  }
  signal.addEventListener('abort', onAbort, { once: true })
  child.stdout.on('data', (chunk: Buffer) => stdout.write(chunk))
  child.stderr.on('data', (chunk: Buffer) => stderr.write(chunk))

  return new Promise((resolve) => {
    let spawnError: Error | null = null
    child.once('error', (error) => (spawnError = error))
    // 'close' waits for the pipes too, so the excerpt holds everything the run printed.
    child.once('close', (code, killedBy) => {
      if (timer) clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      void Promise.all([stdout.close(), stderr.close()]).then(() => {
        // Stopped by the cancel: the input stays pending. One that still exited 0 on its own finished.
        if (cancelled && (code !== 0 || killedBy !== null)) return resolve(null)
        const error = spawnError
        if (error) stderr.write(Buffer.from(spawnMessage(spec, error)))
        resolve({
          exitCode: error ? 127 : code,
          signal: timedOut ? null : killedBy,
          timedOut,
          durationMs: Math.round(performance.now() - started),
          worker: process.pid,
          attempts: target.attempt ?? 1,
          stdout: stdout.text(),
          stderr: stderr.text(),
          stdoutBytes: stdout.total,
          stderrBytes: stderr.total,
        })
      })
    })
  })
}

/** Runs `fn` once the event loop has polled for I/O (a child's exit among it) at least once more. */
function afterNextPoll(fn: () => void): void {
  setImmediate(() => setImmediate(fn))
}

/** A run that `spawn` refused outright (a NUL byte, EINVAL): failed like a command not found. */
function notStarted(
  spec: CommandSpec,
  error: Error,
  attempt: number,
  started: number,
  stderr: OutputCapture,
): CommandResult {
  stderr.write(Buffer.from(spawnMessage(spec, error)))
  void stderr.close()
  return {
    exitCode: 127,
    signal: null,
    timedOut: false,
    durationMs: Math.round(performance.now() - started),
    worker: process.pid,
    attempts: attempt,
    stdout: '',
    stderr: stderr.text(),
    stdoutBytes: 0,
    stderrBytes: stderr.total,
  }
}

/** A command that cannot start (not found, not executable) is that unit's failure, said plainly. */
function spawnMessage(spec: CommandSpec, error: NodeJS.ErrnoException): string {
  const what = spec.command[0]
  if (error.code === 'ENOENT')
    return `task-farm: ${what}: command not found${spec.cwd ? ` (or the folder ${spec.cwd} does not exist)` : ''}\n`
  if (error.code === 'EACCES') return `task-farm: ${what}: permission denied\n`
  return `task-farm: ${what}: ${error.message}\n`
}
