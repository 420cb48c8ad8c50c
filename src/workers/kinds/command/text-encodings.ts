import { execFileSync } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import iconv from 'iconv-lite'

/**
 * Text from Windows programs is not always UTF-8: PowerShell 5's `>` writes UTF-16LE with a BOM,
 * Notepad writes a UTF-8 BOM, and console programs print in the OEM code page (850, 437, 936…).
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
  if (encoding === 'utf16be') return createReadStream(path, { start: bytes }).pipe(iconv.decodeStream('utf16be'))
  return createReadStream(path, { start: bytes, encoding })
}

/** Whether bytes are UTF-8, allowing one character cut at the end (an excerpt's edge). */
function looksUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
    return true
  } catch {
    return false
  }
}

/**
 * A command's output as text: UTF-8 when it is (most tools today, and everything on POSIX), else the
 * console's code page, which is what a Windows console program prints in.
 */
export function decodeOutput(bytes: Buffer, codePage: number | null = consoleCodePage()): string {
  if (codePage === null || codePage === 65001 || looksUtf8(bytes)) return bytes.toString('utf8')
  const name = `cp${codePage}`
  return iconv.encodingExists(name) ? iconv.decode(bytes, name) : bytes.toString('utf8')
}

let oemCodePage: number | null | undefined

/** Windows' OEM code page (what a console program without a console of its own prints in); null elsewhere. */
export function consoleCodePage(): number | null {
  if (process.platform !== 'win32') return null
  if (oemCodePage !== undefined) return oemCodePage
  try {
    const out = execFileSync(
      'reg',
      ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage', '/v', 'OEMCP'],
      {
        encoding: 'utf8',
        windowsHide: true,
        timeout: 5000,
      },
    )
    const found = /OEMCP\s+REG_SZ\s+(\d+)/.exec(out)
    oemCodePage = found ? Number(found[1]) : null
  } catch {
    oemCodePage = null
  }
  return oemCodePage
}
