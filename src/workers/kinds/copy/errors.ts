import { homedir } from 'node:os'
import { FileInUse, SymlinkNotPermitted } from './windows-fs'

/** A per-file failure as the person reads it, with a stable code and whether trying again may help. */
export interface CopyFailure {
  message: string
  code: string
  retryable: boolean
}

/** Which end of the copy an operation touched, so the sentence can say "reading" or "writing". */
export type Side = 'source' | 'destination'

/** Turns a thrown error into a sentence; unknown errors keep their own message. */
export function describeError(error: unknown, side: Side, platform = process.platform, home = homedir()): CopyFailure {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code
  const reading = side === 'source'
  const privacy = platform === 'darwin' ? privacyRefusal(error, home) : undefined
  if (privacy) return privacy
  switch (errno) {
    case 'ENOENT':
      return reading
        ? { message: 'The source file vanished before it could be copied.', code: 'source-vanished', retryable: true }
        : { message: 'The destination folder vanished during the copy.', code: 'destination-vanished', retryable: true }
    case 'EACCES':
    case 'EPERM':
      return {
        message: reading ? 'Permission denied reading the source.' : 'Permission denied writing the destination.',
        code: 'permission-denied',
        retryable: true,
      }
    case 'ENOSPC':
    case 'EDQUOT':
      return { message: 'The destination is full (no space left on the device).', code: 'disk-full', retryable: false }
    case 'EBUSY':
    case 'ETXTBSY':
    case 'EAGAIN':
      return { message: `The ${side} file is busy.`, code: 'busy', retryable: true }
    case 'ENAMETOOLONG':
      return { message: `The ${side} path is too long for the file system.`, code: 'name-too-long', retryable: false }
    case 'EROFS':
      return { message: 'The destination is read-only.', code: 'read-only', retryable: false }
    case 'EISDIR':
      return { message: `A folder is in the way at the ${side}.`, code: 'folder-in-the-way', retryable: false }
    case 'ENOTDIR':
      return { message: `A file is in the way of a folder at the ${side}.`, code: 'file-in-the-way', retryable: false }
    case 'EIO':
      return {
        message: `Input/output error ${reading ? 'reading the source' : 'writing the destination'}.`,
        code: 'io-error',
        retryable: true,
      }
    case 'EMFILE':
    case 'ENFILE':
      return { message: 'Too many open files.', code: 'too-many-files', retryable: true }
    default: {
      const text = error instanceof Error ? error.message : String(error)
      return {
        message: `${reading ? 'Reading the source' : 'Writing the destination'} failed: ${text}`,
        code: errno ?? 'copy-error',
        retryable: true,
      }
    }
  }
}

/** Folders macOS guards per app (TCC): a refusal there is EPERM, where plain permissions give EACCES. */
const privacyGuarded = ['Desktop', 'Documents', 'Downloads', 'Library/Mobile Documents', 'Pictures', 'Movies', 'Music']

/**
 * A refusal by macOS's privacy protection (TCC): retrying cannot help until the person allows the
 * app, so it says where to do that. Only EPERM in the guarded folders and on other volumes (USB
 * sticks, network shares) is taken for one.
 */
export function privacyRefusal(error: unknown, home: string): CopyFailure | undefined {
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException
  if (code !== 'EPERM' || !path) return undefined
  const inside = (folder: string): boolean => path === folder || path.startsWith(`${folder}/`)
  if (!privacyGuarded.some((name) => inside(`${home}/${name}`)) && !path.startsWith('/Volumes/')) return undefined
  return {
    message:
      `macOS's privacy protection refused access to ${path}. Allow Task Farm (for the command line: your terminal app) ` +
      'in System Settings › Privacy & Security › Files and Folders, or Full Disk Access, then retry the job.',
    code: 'privacy-refused',
    retryable: false,
  }
}

/** Marks an error with the side it happened on, so one catch can describe it. */
export class SideError extends Error {
  constructor(
    readonly side: Side,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause))
  }
}

/** Runs `action`, tagging any error with `side`. */
export function onSide<R>(side: Side, action: () => R): R {
  try {
    return action()
  } catch (error) {
    throw new SideError(side, error)
  }
}

export async function onSideAsync<R>(side: Side, action: () => Promise<R>): Promise<R> {
  try {
    return await action()
  } catch (error) {
    throw new SideError(side, error)
  }
}

/** Describes an error from a copy step; errors not tagged with a side are blamed on the destination. */
export function describeCopyError(error: unknown): CopyFailure {
  if (error instanceof VerifyMismatch) return { message: error.message, code: 'verify-mismatch', retryable: true }
  const cause = error instanceof SideError ? error.cause : error
  // Windows' own refusals, said with what to do; a link Windows will not make fails once, not three times.
  if (cause instanceof FileInUse) return { message: cause.message, code: 'in-use', retryable: true }
  if (cause instanceof SymlinkNotPermitted)
    return { message: cause.message, code: 'symlink-not-permitted', retryable: false }
  if (error instanceof SideError) return describeError(error.cause, error.side)
  return describeError(error, 'destination')
}

export class VerifyMismatch extends Error {
  constructor() {
    super('The copy does not match the source (checksums differ).')
  }
}
