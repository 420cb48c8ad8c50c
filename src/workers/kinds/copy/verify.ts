import { open } from 'node:fs/promises'

const CHUNK = 1 << 20

/**
 * hash-wasm, loaded with the first digest: a copy that neither verifies nor keeps hashes never needs it
 * (as its whole package it took each copy worker ~20 ms to load; bundled, only xxh128 comes).
 */
let xxh128Module: Promise<typeof import('./xxh128')> | undefined

/** xxh128 of a file's content, read in chunks so large files never sit in memory whole. */
export async function fileDigest(path: string, signal: AbortSignal): Promise<string> {
  const { createXXHash128 } = await (xxh128Module ??= import('./xxh128'))
  const hasher = await createXXHash128()
  hasher.init()
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(CHUNK)
    for (;;) {
      signal.throwIfAborted()
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null)
      if (bytesRead === 0) break
      hasher.update(buffer.subarray(0, bytesRead))
    }
  } finally {
    await handle.close()
  }
  return hasher.digest('hex')
}
