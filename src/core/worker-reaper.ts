import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { Socket } from 'node:net'
import type { ToWorker } from '../shared/worker-protocol'

// The reaper: the pids to end are the last line read; the pipe closes when the farm dies, however it
// dies (SIGKILL too), and those pids are killed. A farm that stops cleanly has no worker listed by then
// (each is taken off as it exits). Signals a terminal sends its whole process group are ignored: only
// the end of its input ends it.
const reaperScript = `trap '' INT HUP TERM
pids=
while IFS= read -r line; do pids=$line; done
[ -n "$pids" ] && kill -9 $pids 2>/dev/null
exit 0`

/**
 * Ends a farm's module workers when the farm is gone, even while a unit holds a worker's main thread
 * for good (a function in an endless loop never hears its farm's `disconnect`). One shell per farm
 * process, started with its first module worker, holds the list of workers running the person's code. It
 * replaced a watcher thread in every such worker: about 30 ms of CPU at each worker's start, a tenth
 * of a `map` of 200,000 quick calls on two cores. Only workers that run module code are listed: a
 * worker running commands ends them itself as it exits (`process-tree.ts`), which a kill would skip.
 */
export class WorkerReaper {
  private readonly listed = new Set<number>()
  /** The shell, started when the first worker is listed: a farm that never runs module code starts none. */
  shell: ChildProcess | null = null
  private input: Socket | null = null

  /** Lists the worker (it runs the person's code) or takes it off (it runs other work, or has ended). */
  list(pid: number, on: boolean): void {
    if (on === this.listed.has(pid)) return
    if (on) this.listed.add(pid)
    else this.listed.delete(pid)
    this.started()?.write(`${[...this.listed].join(' ')}\n`)
  }

  /** Whether a message hands the worker the person's code to run (a module job's task, or its code to load). */
  static runsUserCode(message: ToWorker): boolean | null {
    if (message.type === 'warm') return message.kind === 'module' ? true : null
    return 'spec' in message ? message.spec.kind === 'module' : null
  }

  /** The shell's input; null when it could not be started (the workers then end on `disconnect` alone). */
  private started(): Socket | null {
    if (this.shell) return this.input
    try {
      // A session of its own: a terminal's Ctrl-C or hang-up, sent to the farm's process group, never
      // reaches it (the script ignores those signals too once it runs).
      this.shell = spawn('/bin/sh', ['-c', reaperScript], {
        stdio: ['pipe', 'ignore', 'ignore'],
        detached: true,
        windowsHide: true,
      })
    } catch {
      return null
    }
    const input = this.shell.stdin as Socket
    // A reaper that is gone (killed by hand) leaves the workers to their own `disconnect`.
    input.on('error', () => undefined)
    this.shell.on('error', () => undefined)
    // It never keeps the farm's process alive.
    this.shell.unref()
    input.unref()
    this.input = input
    return input
  }
}

let reaper: WorkerReaper | null | undefined

/**
 * This process's reaper (its shell starts with the first module worker); null where there is no POSIX
 * shell (Windows), or when `TASK_FARM_REAPER=off` (the workers then watch their farm from a thread, as
 * on Windows).
 */
export function workerReaper(): WorkerReaper | null {
  if (reaper === undefined) {
    const off = process.platform === 'win32' || process.env.TASK_FARM_REAPER === 'off' || !existsSync('/bin/sh')
    reaper = off ? null : new WorkerReaper()
  }
  return reaper
}
