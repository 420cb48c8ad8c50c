import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { chmodSync, lstatSync, mkdirSync, realpathSync, rmdirSync, rmSync, statfsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { darwinTypeNamer } from '../shared/mount-table'
import {
  darwinNoSocketTypes,
  linuxNoSocketTypes,
  maxSocketPathBytes,
  privateFolderProblem,
  userRuntimeBase,
  type UserPlace,
} from '../shared/private-paths'
import { UserError } from '../shared/user-error'

/** Where the socket may go: the defaults are this process's; tests and callers may say otherwise. */
export interface EndpointPlace extends Partial<UserPlace> {
  /** Whether a folder's file system can hold a socket (FAT, exFAT, SMB cannot). */
  holdsSockets?: (dir: string) => boolean
}

/**
 * Where the owner of a history listens for clients: a socket in a private folder beside the history
 * (`history.sqlite.control/owner.sock`); when that path is too long for a socket or the history's
 * file system cannot hold one, in a private folder of this user's runtime base (`$XDG_RUNTIME_DIR`
 * on Linux, else the temporary directory), or, when even that is too long (a long `$TMPDIR` and
 * uid), under /tmp; on Windows a named pipe named after the history. Owner and clients compute the
 * same path from the same facts.
 */
export function controlEndpointFor(
  dbPath: string,
  platform: NodeJS.Platform = process.platform,
  place: EndpointPlace = {},
): string {
  const full = resolve(dbPath)
  const digest = createHash('sha256').update(full).digest('hex').slice(0, 24)
  if (platform === 'win32') return `\\\\.\\pipe\\task-farm-${digest}`
  const limit = maxSocketPathBytes(platform)
  const fits = (path: string): boolean => Buffer.byteLength(path) <= limit
  const beside = join(`${full}.control`, 'owner.sock')
  if (fits(beside) && (place.holdsSockets ?? holdsSockets)(dirname(full))) return beside
  const user: UserPlace = { platform, env: process.env, tmp: tmpdir(), uid: process.getuid?.(), ...place }
  const inRuntime = join(userRuntimeBase(user), `task-farm-${user.uid ?? 'user'}-${digest}`, 'owner.sock')
  if (fits(inRuntime)) return inRuntime
  return join('/tmp', `tf-${user.uid ?? 'user'}-${digest.slice(0, 16)}`, 'owner.sock')
}

const darwinTypeName = darwinTypeNamer(
  () => execFileSync('/sbin/mount', { encoding: 'utf8', timeout: 5000 }),
  realpathSync,
)

/** Whether the file system of `dir` can hold a Unix socket; yes when it cannot be told (the folder is made later). */
function holdsSockets(dir: string): boolean {
  try {
    if (process.platform === 'darwin') return !darwinNoSocketTypes.has(darwinTypeName(dir, statSync(dir).dev) ?? '')
    return !linuxNoSocketTypes.has(statfsSync(dir).type)
  } catch {
    return true
  }
}

const isPipe = (endpoint: string): boolean => endpoint.startsWith('\\\\')

/**
 * Makes the endpoint's folder, readable by this user only, and removes a socket an owner killed
 * earlier left behind (the caller holds the history's lock, so no live owner uses it).
 */
export function prepareControlEndpoint(endpoint: string): void {
  if (isPipe(endpoint)) return
  const folder = dirname(endpoint)
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const info = lstatSync(folder)
  const problem = privateFolderProblem(
    folder,
    { isDirectory: info.isDirectory(), isSymbolicLink: info.isSymbolicLink(), uid: info.uid },
    process.getuid?.(),
  )
  if (problem) {
    throw new UserError(
      `${problem}: the farm will not listen there. Remove it, or set TMPDIR to a folder of your own.`,
      'endpoint-unsafe',
    )
  }
  chmodSync(folder, 0o700)
  rmSync(endpoint, { force: true })
}

/** After listening: the socket itself is this user's only too. */
export function protectControlEndpoint(endpoint: string): void {
  if (!isPipe(endpoint)) chmodSync(endpoint, 0o600)
}

/** A stale socket (its owner was killed) is removed with its folder; a live one is left alone. */
export function removeControlEndpoint(endpoint: string): void {
  if (isPipe(endpoint)) return
  rmSync(endpoint, { force: true })
  try {
    rmdirSync(dirname(endpoint))
  } catch {
    // The folder holds something else, or is gone already: leave it.
  }
}
