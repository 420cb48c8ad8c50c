import { renameSync } from 'node:fs'

/** Pauses between tries: about 1.3 s in all, as graceful-fs waits. */
const pausesMs = [10, 20, 40, 80, 160, 320, 640]

export interface RenameRetryOptions {
  /** Windows' behaviour (default: on Windows): EPERM/EBUSY/EACCES mean another program holds a file. */
  windowsRules?: boolean
  rename?: (from: string, to: string) => void
  wait?: (ms: number) => void
}

const pause = new Int32Array(new SharedArrayBuffer(4))
const block = (ms: number): void => void Atomics.wait(pause, 0, 0, ms)

/**
 * Renames a finished file over its real name. On Windows a rename fails with EPERM or EBUSY while
 * another program (a client reading the lock, the search indexer, an antivirus, Excel) has the file
 * open: it is tried again for about a second; a file still held fails with `EBUSY`, which callers
 * say as "another program holds it open". Synchronous: the lock is written in a constructor, and an
 * export's one rename may wait once.
 */
export function renameRetrying(from: string, to: string, options: RenameRetryOptions = {}): void {
  const { windowsRules = process.platform === 'win32', rename = renameSync, wait = block } = options
  for (let attempt = 0; ; attempt++) {
    try {
      return rename(from, to)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (!windowsRules || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error
      const ms = pausesMs[attempt]
      if (ms === undefined)
        throw Object.assign(new Error(`${to} is held open by another program`), { code: 'EBUSY', path: to })
      wait(ms)
    }
  }
}
