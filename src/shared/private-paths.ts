/**
 * Where a user's runtime files (sockets, shipped modules) go, and the checks that keep them private.
 * Pure: the callers in core, host and workers do the file system calls.
 */

export interface UserPlace {
  platform: string
  /** `$XDG_RUNTIME_DIR` and the like: the environment to read. */
  env: Record<string, string | undefined>
  /** The temporary directory (os.tmpdir()). */
  tmp: string
  /** This user's uid; undefined on Windows. */
  uid: number | undefined
}

/**
 * Where a user's runtime folders go: on Linux `$XDG_RUNTIME_DIR` (made 0700 by the login session,
 * cleaned at logout); elsewhere the temporary directory (per user already on macOS; the shared /tmp
 * on Linux without a session, where the caller checks each folder's owner).
 */
export function userRuntimeBase(place: UserPlace): string {
  const runtime = place.env.XDG_RUNTIME_DIR
  const base = place.platform === 'linux' && runtime?.startsWith('/') ? runtime : place.tmp
  return base.length > 1 ? base.replace(/[/\\]+$/, '') : base
}

/** This user's own folder for runtime files, `task-farm-<uid>` in the runtime base. */
export const userRuntimeFolder = (place: UserPlace): string =>
  `${userRuntimeBase(place)}/task-farm-${place.uid ?? 'user'}`

/** What `lstat` says of a folder, as far as privacy goes. */
export interface FolderFacts {
  isDirectory: boolean
  isSymbolicLink: boolean
  uid: number
}

/**
 * Why a folder cannot be trusted with this user's files (another user made it first and could plant
 * a module, or reach a socket), as a clause, or undefined when it is this user's. Too open a mode on
 * one's own folder is not a refusal: the caller makes it 0700.
 */
export function privateFolderProblem(folder: string, facts: FolderFacts, uid: number | undefined): string | undefined {
  if (facts.isSymbolicLink || !facts.isDirectory) return `${folder} is not a plain folder`
  if (uid !== undefined && facts.uid !== uid) return `${folder} belongs to another user (uid ${facts.uid})`
  return undefined
}

/** Longest socket path `listen` takes: sun_path is 104 bytes on macOS and the BSDs, 108 on Linux, with its NUL. */
export const maxSocketPathBytes = (platform: string): number => (platform === 'linux' ? 107 : 103)

/** File systems (Linux statfs magic numbers) that cannot hold a Unix socket, or not one other processes reach. */
export const linuxNoSocketTypes = new Set([
  0x4d44, // msdos / vfat
  0x2011bab0, // exfat
  0x65735546, // fuseblk (ntfs-3g, exfat-fuse)
  0x5346544e, // ntfs
  0x7366746e, // ntfs3
  0xff534d42, // cifs
  0xfe534d42, // smb2
])

/** The same on macOS, by the names `mount` gives (Darwin's statfs numbers are handed out at load time). */
export const darwinNoSocketTypes = new Set(['msdos', 'exfat', 'smbfs', 'ntfs', 'webdav', 'afpfs'])
