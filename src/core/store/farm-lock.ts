import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { UserError } from '../../shared/user-error'
import { ensureHistoryFolder } from './history-folder'

export interface LockOwner {
  pid: number
  host: string
  since: number
  /** Where the owner listens for clients (a Unix socket or a Windows pipe), once it does. */
  endpoint?: string
}

/**
 * One farm per history database: two writers would double-run jobs. A lock file beside the database
 * names the owning process; a lock whose process is gone (crash, kill -9) is taken over.
 */
export class FarmLock {
  private constructor(private readonly path: string) {}

  static acquire(dbPath: string): FarmLock {
    const path = `${dbPath}.lock`
    ensureHistoryFolder(dbPath)
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, 'wx')
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() } satisfies LockOwner))
        closeSync(fd)
        return new FarmLock(path)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        const owner = readOwner(path)
        if (owner && isAlive(owner)) {
          throw new UserError(
            `Another Task Farm (process ${owner.pid} on ${owner.host}) is already running jobs on ${dbPath}. ` +
              'Stop it first, or use another history file with --db.',
            'farm-busy',
          )
        }
        try {
          unlinkSync(path)
        } catch {
          // Someone else removed the stale lock first; try again.
        }
      }
    }
    throw new UserError(`Could not take the lock ${path}.`, 'farm-busy')
  }

  /** Whether a live farm holds the database now (read-only views use it to show dead runs as interrupted). */
  static isHeld(dbPath: string): boolean {
    return FarmLock.owner(dbPath) !== null
  }

  /** The live process that holds the database, or null (no lock, or its process is gone). */
  static owner(dbPath: string): LockOwner | null {
    const owner = readOwner(`${dbPath}.lock`)
    return owner !== null && isAlive(owner) ? owner : null
  }

  /**
   * Records where this process listens for clients, beside its pid. Only the holder may: a process
   * that does not hold the lock changes nothing. The file is replaced whole, so readers never see half.
   */
  static recordEndpoint(dbPath: string, endpoint: string | undefined): void {
    const path = `${dbPath}.lock`
    const owner = readOwner(path)
    if (owner?.pid !== process.pid || owner.host !== hostname()) return
    const next = `${path}.${process.pid}.tmp`
    writeFileSync(next, JSON.stringify({ ...owner, endpoint } satisfies LockOwner))
    renameSync(next, path)
  }

  release(): void {
    try {
      unlinkSync(this.path)
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner
    return typeof owner.pid === 'number' ? owner : null
  } catch {
    return null // Half-written or unreadable: its writer died while writing it.
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true // Cannot tell for another machine (shared drive): be safe.
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
