import { execFileSync } from 'node:child_process'
import { iconvLite } from '../../iconv-lite'

/**
 * Text from Windows programs is not always UTF-8: console programs print in the OEM code page (850,
 * 437, 936…). Input files with a byte-order mark are read by `text-file.ts`.
 */

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
  const iconv = iconvLite()
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
