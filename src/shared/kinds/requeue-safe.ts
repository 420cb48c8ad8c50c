/**
 * Kinds whose running unit may be stopped and run again later without harm: a copy writes a temporary
 * file renamed into place, a probe and a GET change nothing. A command or a module call may have side
 * effects that a second run would repeat, so their units are never stopped for memory.
 */
export const requeueSafe = (kind: string): boolean => kind === 'copy' || kind === 'probe' || kind === 'urls'
