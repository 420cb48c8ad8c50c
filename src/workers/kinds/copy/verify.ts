import { open } from 'node:fs/promises'
import { createXXHash128 } from 'hash-wasm'

const CHUNK = 1 << 20

/** xxh128 of a file's content, read in chunks so large files never sit in memory whole. */
export async function fileDigest(path: string, signal: AbortSignal): Promise<string> {
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
