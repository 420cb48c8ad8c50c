import { closeSync, openSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { UserError } from '../../shared/user-error'
import { ensureHistoryFolder } from './history-folder'
import { newOwnerToken, probeOwnerSync } from './owner-proof'
import { renameRetrying } from '../rename-retrying'
import { processMayRun, readOwner, writtenBeforeBoot, type LockOwner } from './lock-owner'

export type { LockOwner } from './lock-owner'

/** Tokens of the locks this process holds: it cannot answer its own endpoint while it waits for the answer. */
const heldTokens = new Set<string>()

/**
 * One farm per history database: two writers would double-run jobs. A lock file beside the database
 * (its user's only: it holds the token) names the owning process; a lock whose owner is gone (crash,
 * kill -9, a reboot) is taken over. An owner is alive when its endpoint answers with the lock's token
 * (owner-proof.ts); a pid alone is not enough, since after a crash or a reboot the system soon gives it
 * to another process.
 */
export class FarmLock {
  private constructor(
    private readonly path: string,
    private readonly token: string,
  ) {}

  static acquire(dbPath: string): FarmLock {
    const path = `${dbPath}.lock`
    ensureHistoryFolder(dbPath)
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600)
        const token = newOwnerToken()
        writeSync(
          fd,
          JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now(), token } satisfies LockOwner),
        )
        closeSync(fd)
        heldTokens.add(token)
        return new FarmLock(path, token)
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
    writeFileSync(next, JSON.stringify({ ...owner, endpoint } satisfies LockOwner), { mode: 0o600 })
    renameRetrying(next, path)
  }

  /** The token clients of this process's farm must prove, when this process holds the history. */
  static ownToken(dbPath: string): string | undefined {
    const owner = readOwner(`${dbPath}.lock`)
    return owner?.token !== undefined && heldTokens.has(owner.token) ? owner.token : undefined
  }

  release(): void {
    heldTokens.delete(this.token)
    try {
      unlinkSync(this.path)
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true // Cannot tell for another machine (shared drive): be safe.
  if (owner.token !== undefined && heldTokens.has(owner.token)) return true
  if (!processMayRun(owner)) return false
  // Starting (no endpoint yet), or written by an older version (no token): its pid is all there is,
  // unless the lock is older than the machine's last start. (Only here: a wall clock set forward after
  // the boot must not make a live owner that can answer look stale.)
  if (owner.endpoint === undefined || owner.token === undefined) return !writtenBeforeBoot(owner)
  // A pid that once proved the token stays the owner while it lives (`logs --follow` asks every 300 ms).
  const key = `${owner.pid}:${owner.endpoint}:${owner.token}`
  if (provenOwners.has(key)) return true
  const found = probeOwnerSync(owner.endpoint, owner.token)
  if (found === 'answered') provenOwners.add(key)
  return found === 'answered' || found === 'silent'
}

const provenOwners = new Set<string>()
