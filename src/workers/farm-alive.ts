/** The farm's process id as this worker began: on POSIX, a process whose parent dies gets another one. */
export const farmPid = process.ppid
/** An Electron utility process: Electron ends it with the app, and how it is launched is Electron's. */
const utilityProcess = 'parentPort' in process

/**
 * Whether the farm that started this worker has died. A task it sent just before it died can still be
 * read here before its `disconnect`: such a task must start nothing (a command would run for a farm that
 * can no longer record it, and its next farm runs it again). Windows gives a dead parent's children no
 * other parent, so there the `disconnect` alone tells.
 */
export function farmIsGone(): boolean {
  return process.platform !== 'win32' && !utilityProcess && process.ppid !== farmPid
}
