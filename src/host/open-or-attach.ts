import type { Farm } from '../core/farm'
import { isUserError } from '../shared/user-error'
import type { ControlClient } from './control-client'
import type { ControlServer } from './control-server'
import { listenForClients } from './farm-endpoint'
import { findOwner } from './find-owner'
import type { ApiHandlers } from '../core/api-handlers'

export type OwnedOrAttached =
  { owner: true; farm: Farm; endpoint: ControlServer } | { owner: false; client: ControlClient }

/**
 * For the desktop app, and anything else that wants "the farm of this history": attach to the
 * process that owns it (`serve`, a CLI run), or, with none, open the farm (`open`) and listen for
 * clients. The client is the window's `ApiHandlers` and event source; when its `onGone` fires, call
 * this again to take over. `api` wraps the farm's handlers when the caller adds to them (the shell's
 * CPU and memory figures).
 */
export async function openOrAttachFarm(
  dbPath: string,
  open: () => Farm,
  api?: (farm: Farm) => ApiHandlers,
): Promise<OwnedOrAttached> {
  for (let attempt = 0; ; attempt++) {
    const client = await findOwner(dbPath)
    if (client) return { owner: false, client }
    let farm: Farm
    try {
      farm = open()
    } catch (error) {
      // Another process took the history between the look and the open: attach to it instead.
      if (attempt < 3 && isUserError(error) && error.code === 'farm-busy') continue
      throw error
    }
    return { owner: true, farm, endpoint: await listenForClients(farm, api?.(farm)) }
  }
}
