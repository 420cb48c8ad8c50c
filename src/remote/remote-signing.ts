import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../shared/user-error'

/** The key's file in the history's folder: only the farm's user can read it (0600). */
export const KEY_FILE_NAME = 'remote.key'
const MIN_KEY_LENGTH = 32

/**
 * Signs and checks every batch and control between a farm and its hosts with an HMAC (SHA-256) under
 * a key only they hold, as Celery signs its messages: write access to Redis alone cannot make a host
 * run anything. What is signed names its purpose and every field the host acts on.
 */
export class RemoteSigner {
  private readonly key: Buffer
  /** A fingerprint of the key (never the key): hosts put it in their heartbeat. */
  readonly keyId: string

  constructor(key: string) {
    const text = key.trim()
    if (text.length < MIN_KEY_LENGTH)
      throw new UserError(
        `The remote key is too short (${text.length} characters, at least ${MIN_KEY_LENGTH}): use the farm's ${KEY_FILE_NAME}.`,
        'bad-remote-key',
      )
    this.key = Buffer.from(text, 'utf8')
    this.keyId = createHash('sha256')
      .update(this.mac(['key-id']))
      .digest('hex')
      .slice(0, 12)
  }

  mac(parts: (string | number)[]): string {
    return createHmac('sha256', this.key).update(JSON.stringify(parts)).digest('base64url')
  }

  /** In constant time, whatever the MAC given (missing, short, wrong). */
  verify(parts: (string | number)[], mac: unknown): boolean {
    const expected = Buffer.from(this.mac(parts))
    const given = Buffer.from(typeof mac === 'string' ? mac : '')
    return given.length === expected.length && timingSafeEqual(given, expected)
  }
}

/**
 * The farm's key and where it came from: `TASK_FARM_REMOTE_KEY` when set, else `remote.key` in the
 * history's folder, made on first use (32 random bytes, hex; 0600).
 */
export function farmKey(historyFolder: string): { key: string; from: string } {
  if (process.env.TASK_FARM_REMOTE_KEY) return { key: process.env.TASK_FARM_REMOTE_KEY, from: 'TASK_FARM_REMOTE_KEY' }
  const file = join(historyFolder, KEY_FILE_NAME)
  try {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  // Kept private even if someone loosened it.
  chmodSync(file, 0o600)
  return { key: readFileSync(file, 'utf8'), from: file }
}

/** A host's key: `--key-file PATH`, else `TASK_FARM_REMOTE_KEY`; a host without one refuses to start. */
export function hostKey(keyFile: string | undefined): string {
  if (keyFile) {
    try {
      return readFileSync(keyFile, 'utf8')
    } catch (error) {
      throw new UserError(`Cannot read the key file ${keyFile}: ${(error as Error).message}.`, 'bad-remote-key')
    }
  }
  if (process.env.TASK_FARM_REMOTE_KEY) return process.env.TASK_FARM_REMOTE_KEY
  throw new UserError(
    `This worker needs the farm's key: copy ${KEY_FILE_NAME} from the farm's history folder and give it with --key-file PATH (or TASK_FARM_REMOTE_KEY).`,
    'no-remote-key',
  )
}
