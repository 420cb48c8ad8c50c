import { readFileSync } from 'node:fs'
import { hostname, uptime } from 'node:os'

/**
 * What a history's lock file (`<db>.lock`, see `farm-lock.ts`) says of the process that holds it. Apart
 * from the lock itself, and light, so the CLI can look before it loads anything else.
 */
export interface LockOwner {
  pid: number
  host: string
  since: number
  /** Where the owner listens for clients (a Unix socket or a Windows pipe), once it does. */
  endpoint?: string
  /** What a client proves it knows before the owner tells it anything, and the owner its liveness by. */
  token?: string
}

/** The lock's owner as written, or null when there is no lock or it cannot be read. */
export function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner
    return typeof owner.pid === 'number' ? owner : null
  } catch {
    return null // Half-written or unreadable: its writer died while writing it.
  }
}

/**
 * Whether the lock's process may still run: it runs on another machine (a shared drive: this one
 * cannot tell), or a process of its pid runs here (perhaps another one that got the pid since).
 */
export function processMayRun(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** A lock written before the machine last started is stale, whatever process has its pid now. */
export function writtenBeforeBoot(owner: LockOwner): boolean {
  return typeof owner.since === 'number' && owner.since < Date.now() - uptime() * 1000 - 60_000
}

/**
 * Whether the lock names a live process on this machine that listens for clients: a quick look,
 * without the owner's proof that `FarmLock.owner` asks for (from a thread). A command that sees one
 * will be that farm's client, so it forks no workers of its own ahead; a stale lock whose pid was
 * reused costs that command only its head start.
 */
export function ownerListening(dbPath: string): boolean {
  const owner = readOwner(`${dbPath}.lock`)
  if (owner?.endpoint === undefined || owner.host !== hostname() || owner.pid === process.pid) return false
  return processMayRun(owner)
}
