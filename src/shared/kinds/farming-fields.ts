import { z } from 'zod'

/** Every kind's options about how the farm runs its units (not what a unit does). */
export const farmingFields = {
  /**
   * GNU parallel's `--memfree`: below this much free memory (bytes) none of its units starts; below
   * half of it, its youngest running unit is stopped and queued again (kinds where that is safe, see
   * `requeueSafe`). Absent: the farm-wide setting.
   */
  memfree: z
    .number()
    .int()
    .min(0)
    .max(2 ** 50)
    .optional(),
}

/**
 * Kinds whose running unit may be stopped and run again later without harm: a copy writes a temporary
 * file renamed into place, a probe and a GET change nothing. A command or a module call may have side
 * effects that a second run would repeat, so their units are never stopped for memory.
 */
export const requeueSafe = (kind: string): boolean => kind === 'copy' || kind === 'probe' || kind === 'urls'
