import { StringDecoder } from 'node:string_decoder'
import { iconvLite } from '../../iconv-lite'

/** Bytes of a page searched for a `<meta charset>`, as browsers do before they parse. */
export const CHARSET_SNIFF_BYTES = 1024

/**
 * Labels that the web treats as another encoding: browsers decode "latin1" and "ascii" pages as
 * windows-1252 (the WHATWG Encoding Standard), so smart quotes in 0x80–0x9F come out right.
 */
const webAliases: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  'x-sjis': 'shift_jis',
  'unicode-1-1-utf-8': 'utf-8',
  utf8: 'utf-8',
}

/** The charset parameter of a Content-Type header, if any. */
export function charsetFromContentType(contentType: string | null): string | null {
  const match = contentType?.match(/;\s*charset\s*=\s*"?([^";\s]+)/i)
  return match ? match[1]!.toLowerCase() : null
}

/** Picks the encoding of an HTML body: byte-order mark, then the header, then `<meta>`, then UTF-8. */
export function pickCharset(headerCharset: string | null, head: Buffer): string {
  const bom = charsetFromBom(head)
  if (bom) return bom
  for (const label of [headerCharset, charsetFromMeta(head)]) {
    const known = label ? knownCharset(label) : null
    if (known) return known
  }
  return 'utf-8'
}

function knownCharset(label: string): string | null {
  const name = webAliases[label.toLowerCase()] ?? label.toLowerCase()
  if (name === 'utf-8') return name
  return iconvLite().encodingExists(name) ? name : null
}

function charsetFromBom(head: Buffer): string | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8'
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be'
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le'
  return null
}

/** `<meta charset=x>` or `<meta http-equiv=content-type content="…; charset=x">` in the first bytes. */
function charsetFromMeta(head: Buffer): string | null {
  // Latin-1 maps bytes one to one, so an ASCII search works whatever the real encoding is.
  const text = head.subarray(0, CHARSET_SNIFF_BYTES).toString('latin1')
  for (const tag of text.match(/<meta\b[^>]*>/gi) ?? []) {
    const direct = tag.match(/\bcharset\s*=\s*["']?\s*([\w.:-]+)/i)
    if (direct) return direct[1]!
  }
  return null
}

/**
 * A streaming decoder: feed bytes, get text; multi-byte characters split across chunks survive. A
 * byte-order mark is left out, which is what a parser wants.
 */
export function createTextDecoder(charset: string): { write(bytes: Buffer): string; end(): string } {
  // UTF-8 by Node's own decoder, as iconv-lite decodes it too (invalid bytes become U+FFFD alike).
  if (charset === 'utf-8') return utf8Decoder()
  const decoder = iconvLite().getDecoder(charset)
  return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' }
}

function utf8Decoder(): { write(bytes: Buffer): string; end(): string } {
  const decoder = new StringDecoder('utf8')
  let first = true
  const withoutMark = (text: string): string => {
    if (!first || text === '') return text
    first = false
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  }
  return { write: (bytes) => withoutMark(decoder.write(bytes)), end: () => withoutMark(decoder.end()) }
}
