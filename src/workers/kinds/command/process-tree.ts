import { spawn, type ChildProcess } from 'node:child_process'

/**
 * Ending a command means ending everything it started. On POSIX every run leads its own process
 * group (`detached`), so one signal to `-pid` reaches its children and grandchildren; on Windows
 * `taskkill /T /F` walks the tree.
 */
const windows = process.platform === 'win32'

/** Spawn options that make a run killable as a tree. */
export const treeSpawnOptions = { detached: !windows, windowsHide: true } as const

/** Process groups (POSIX) or pids (Windows) of runs still alive in this worker. */
const live = new Set<number>()

export function track(child: ChildProcess): void {
  const pid = child.pid
  if (pid === undefined) return
  live.add(pid)
  child.once('exit', () => {
    // The leader is gone, but its children may still run in its group: end them too.
    if (!windows) signalGroup(pid, 'SIGKILL')
    live.delete(pid)
  })
}

/** TERM the tree, then KILL it after `graceMs` (a run that traps TERM still ends). */
export function killTree(pid: number, graceMs = 1000): void {
  if (windows) {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => {})
    return
  }
  signalGroup(pid, 'SIGTERM')
  setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs).unref()
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // ESRCH: the whole group has already ended.
  }
}

// A worker that is told to stop (or loses its farm) takes its runs with it: no orphans.
process.once('exit', () => {
  for (const pid of live) {
    if (windows)
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', detached: true, windowsHide: true })
    else signalGroup(pid, 'SIGKILL')
  }
})
