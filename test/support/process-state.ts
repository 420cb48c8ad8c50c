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
