import type { CopyPayload } from './copy'

// Zod-free (workers load no zod): how a copy unit's payload is kept in the history.

/**
 * A unit's payload as the history stores it: a plain file of the first source with nothing else to
 * say is its mtime alone (a number), about a third of the bytes a large copy keeps per file.
 */
export function storedCopyPayload(payload: CopyPayload): CopyPayload | number {
  if (payload.type !== 'file' || payload.source !== 0 || payload.mtime === undefined) return payload
  // Anything else it says (replaces, renameTo, a problem, a field added later) keeps the whole object.
  const { type: _type, source: _source, mtime, ...rest } = payload
  return Object.keys(rest).length === 0 ? mtime : payload
}

/** A unit's payload as stored (`storedCopyPayload`, or an object as older histories hold): the payload. */
export function copyPayloadOf(stored: unknown): CopyPayload {
  return typeof stored === 'number' ? { type: 'file', source: 0, mtime: stored } : (stored as CopyPayload)
}
