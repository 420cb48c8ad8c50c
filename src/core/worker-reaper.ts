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

  /** What this reaper knows of one worker's tasks, to list it exactly while it should be. */
  watch(pid: number): ReapedWorker {
    return new ReapedWorker((on) => this.list(pid, on))
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

/**
 * One worker as the reaper sees it: listed while it has the person's code (a module task in hand, or
 * module code loaded) and no command in hand. A worker holds several tasks at once when units wait
 * (commands), so a module task can go to a worker whose commands still run: a kill would leave those
 * commands' process groups behind, to run beside the next farm's runs of the same inputs. Such a worker
 * is left to end itself on `disconnect`, which ends its commands first.
 */
export class ReapedWorker {
  /** Command tasks in hand. */
  private readonly commands = new Set<number>()
  private moduleLoaded = false

  constructor(private readonly list: (on: boolean) => void) {}

  /** The worker was started to run module code (its kind preloaded). */
  loadsModule(): void {
    this.moduleLoaded = true
    this.update()
  }

  /** A message goes to the worker. */
  sent(message: ToWorker): void {
    if (message.type === 'warm') {
      if (message.kind === 'module') this.moduleLoaded = true
    } else if ('spec' in message) {
      if (message.spec.kind === 'module') this.moduleLoaded = true
      else if (message.spec.kind === 'command') this.commands.add(message.taskId)
    }
    this.update()
  }

  /** A task of the worker has ended (`done` or `failed`). */
  ended(taskId: number): void {
    if (this.commands.delete(taskId)) this.update()
  }

  private update(): void {
    this.list(this.moduleLoaded && this.commands.size === 0)
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
