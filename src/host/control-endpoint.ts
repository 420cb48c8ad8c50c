import { createHash } from 'node:crypto'
import { chmodSync, lstatSync, mkdirSync, rmdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { UserError } from '../shared/user-error'

/** Unix socket paths are limited to about 104 bytes (macOS) or 108 (Linux). */
const maxSocketPath = 100

/**
 * Where the owner of a history listens for clients: a socket in a private folder beside the history
 * (`history.sqlite.control/owner.sock`), or, when that path is too long for a socket, in a private
 * folder under the temporary directory (or /tmp, when that is too long too); on Windows a named pipe named after the history.
 */
export function controlEndpointFor(dbPath: string, platform: NodeJS.Platform = process.platform): string {
  const full = resolve(dbPath)
  const digest = createHash('sha256').update(full).digest('hex').slice(0, 24)
  if (platform === 'win32') return `\\\\.\\pipe\\task-farm-${digest}`
  const beside = join(`${full}.control`, 'owner.sock')
  if (Buffer.byteLength(beside) <= maxSocketPath) return beside
  const folder = `task-farm-${process.getuid?.() ?? 'user'}-${digest}`
  const underTemp = join(tmpdir(), folder, 'owner.sock')
  // A TMPDIR deep in a long path is too long as well: then /tmp, which every Unix has.
  return Buffer.byteLength(underTemp) <= maxSocketPath ? underTemp : join('/tmp', folder, 'owner.sock')
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
  if (!info.isDirectory() || (process.getuid && info.uid !== process.getuid())) {
    throw new UserError(`${folder} is not a folder of this user's: the farm will not listen there.`, 'endpoint-unsafe')
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
