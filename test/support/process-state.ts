import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/**
 * True when no process has this pid any more, or only its zombie is left: killed and dead, but not yet
 * reaped by its parent (where PID 1 reaps orphans slowly, as in many containers). `process.kill(pid, 0)`
 * alone succeeds on a zombie, so a test that asked only that would wait on the reaper, not the process.
 */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' // EPERM: alive, someone else's
  }
  if (process.platform !== 'linux') return false
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return true // reaped between the two looks
  }
  // "pid (command) state …": the command may hold spaces and parentheses, so read after the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0)
  return state === 'Z' || state === 'X'
}

/**
 * The processes `pid` started that are still its children (Linux: from /proc; elsewhere `pgrep -P`):
 * a farm's workers, to end with it when a test kills the farm with SIGKILL. A worker stuck in a busy
 * loop (a hung probe unit) cannot hear its parent go, and would spin on after the test.
 */
export function childPids(pid: number): number[] {
  try {
    if (process.platform === 'linux')
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number)
    const listed = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout ?? ''
    return listed.split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}
