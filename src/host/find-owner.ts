import { FarmLock } from '../core/store/farm-lock'
import type { ControlClient } from './control-client'

/** How long a command waits for an owner that holds the lock but does not listen yet (it is starting). */
const startingOwnerMs = 3000

/**
 * Connects to the live farm that owns the history, or says there is none. A lock whose process is
 * gone (kill -9) counts as none: the caller then runs the farm itself, which takes the stale lock
 * over and removes the dead endpoint. Never hangs: every wait here is bounded.
 *
 * The desktop app calls this before opening the farm: a client means a `serve` or a CLI run owns the
 * history, and the window attaches to it (the client is the IPC bridge's `ApiHandlers` and the events'
 * source; `onGone` says when to open the farm itself).
 */
export async function findOwner(dbPath: string): Promise<ControlClient | null> {
  const deadline = Date.now() + startingOwnerMs
  for (;;) {
    const owner = FarmLock.owner(dbPath)
    if (!owner || owner.pid === process.pid) return null
    if (owner.endpoint && owner.token) {
      try {
        // The client (and the contract's schemas) loads only when an owner runs: most commands find none.
        const { ControlClient } = await import('./control-client')
        return await ControlClient.connect(owner.endpoint, owner.token, Math.max(500, deadline - Date.now()))
      } catch {
        // Not listening (yet, or any more): look at the lock again.
      }
    }
    if (Date.now() >= deadline) return null
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
