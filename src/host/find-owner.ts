import { processMayRun, readOwner, writtenBeforeBoot } from '../core/store/lock-owner'
import type { ControlClient } from './control-client'

/** How long a command waits for an owner that holds the lock but does not listen yet (it is starting). */
const startingOwnerMs = 3000

/**
 * Connects to the live farm that owns the history, or says there is none. A lock whose process is
 * gone (kill -9) counts as none: the caller then runs the farm itself, which takes the stale lock
 * over and removes the dead endpoint. Never hangs: every wait here is bounded.
 *
 * The connection is the proof: the owner's welcome answers the token and a fresh nonce. So the lock
 * is only read here, never proved apart (`FarmLock.owner` does that from a thread of its own, which
 * cost a client command about 40 ms before its connection proved the same).
 *
 * The desktop app calls this before opening the farm: a client means a `serve` or a CLI run owns the
 * history, and the window attaches to it (the client is the IPC bridge's `ApiHandlers` and the events'
 * source; `onGone` says when to open the farm itself).
 */
export async function findOwner(dbPath: string): Promise<ControlClient | null> {
  const deadline = Date.now() + startingOwnerMs
  for (;;) {
    const owner = readOwner(`${dbPath}.lock`)
    if (!owner || owner.pid === process.pid || !processMayRun(owner)) return null
    // Starting, its endpoint not written yet: waited for, unless the lock is older than the last boot.
    if (!(owner.endpoint && owner.token) && writtenBeforeBoot(owner)) return null
    if (owner.endpoint && owner.token) {
      try {
        // The client (and the contract's schemas) loads only when an owner runs: most commands find none.
        const { ControlClient } = await import('./control-client')
        return await ControlClient.connect(owner.endpoint, owner.token, Math.max(500, deadline - Date.now()))
      } catch (error) {
        // Nothing listens where the lock says (the owner was killed), or what listens cannot answer the
        // token (not the owner): there is none. A busy owner (no answer yet) is looked at again.
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EPROTO') return null
      }
    }
    if (Date.now() >= deadline) return null
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
