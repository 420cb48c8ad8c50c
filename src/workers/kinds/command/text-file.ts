import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { iconvLite } from '../../iconv-lite'

/**
 * Input files from Windows programs are not always UTF-8: PowerShell 5's `>` writes UTF-16LE with a
 * BOM, Notepad writes a UTF-8 BOM.
 */

export type BomEncoding = 'utf8' | 'utf16le' | 'utf16be'

/** The encoding a byte-order mark says, and its length; UTF-8 without one. */
export function bomOf(head: Uint8Array): { encoding: BomEncoding; bytes: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', bytes: 3 }
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bytes: 2 }
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', bytes: 2 }
  return { encoding: 'utf8', bytes: 0 }
}

/** A text file as a stream of strings, decoded by its BOM, the BOM itself left out. */
export async function openTextFile(path: string): Promise<NodeJS.ReadableStream> {
  const file = await open(path, 'r')
  const head = Buffer.alloc(3)
  try {
    await file.read(head, 0, 3, 0)
  } finally {
    await file.close()
  }
  const { encoding, bytes } = bomOf(head)
  if (encoding === 'utf16be') {
    // Node decodes the other two itself; iconv-lite loads only for this rare one.
    return createReadStream(path, { start: bytes }).pipe(iconvLite().decodeStream('utf16be'))
  }
  return createReadStream(path, { start: bytes, encoding })
}
