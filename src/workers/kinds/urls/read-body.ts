import type { Readable, Transform } from 'node:stream'
import zlib from 'node:zlib'
import type { PageFacts } from '../../../shared/kinds/urls'
import { CHARSET_SNIFF_BYTES, createTextDecoder, pickCharset } from './charset'
import { UrlFetchError } from './classify-error'
import { PageFactsCollector } from './page-facts'
import { parseTurn } from './parse-turns'

/** What to do with the body: parse it as HTML, keep it as text (robots.txt), or only count it. */
export type BodyUse =
  | { as: 'html'; pageUrl: string; headerCharset: string | null; keepText?: boolean; collectLinks?: boolean }
  | { as: 'text' }
  | { as: 'count' }

export interface BodyOutcome {
  bytes: number
  truncated: boolean
  charset: string | null
  facts: PageFacts | null
  text: string | null
  /** The page's links, when asked to collect them (a crawl). */
  links?: Set<string> | null
}

/**
 * Reads a response body as a stream: undoes its content-encoding, stops at `maxBytes` of decoded
 * bytes (which also defuses compression bombs), and hands the bytes to the HTML parser as they
 * come, so a page is never held whole in memory.
 */
export async function readBody(
  body: Readable,
  contentEncoding: string | null,
  maxBytes: number,
  use: BodyUse,
  onBytes?: (bytes: number) => void,
): Promise<BodyOutcome> {
  const sink = createSink(use)
  // HTML is parsed in turns (`parse-turns.ts`); counting and keeping text cost next to nothing.
  const parses = use.as === 'html'
  let decompressor: Transform | null = null
  let bytes = 0
  let truncated = false
  try {
    decompressor = createDecompressor(contentEncoding)
    const source: Readable = decompressor ? body.pipe(decompressor) : body
    if (decompressor) body.on('error', (error) => decompressor?.destroy(error))
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const room = maxBytes - bytes
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk
      bytes += part.length
      if (parses) await parseTurn()
      sink.write(part)
      onBytes?.(bytes)
      if (chunk.length > room) {
        truncated = true
        break
      }
    }
  } finally {
    // Leaves the rest unread: undici closes the connection rather than reuse a half-read one.
    body.destroy()
    decompressor?.destroy()
  }
  if (parses) await parseTurn()
  return { bytes, truncated, ...sink.end() }
}

function createDecompressor(contentEncoding: string | null): Transform | null {
  const encoding = contentEncoding?.trim().toLowerCase() ?? ''
  // Flushing what arrived lets a truncated or trickled stream yield everything it holds so far.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }
  switch (encoding) {
    case '':
    case 'identity':
    case 'none':
      return null
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush)
    case 'deflate':
      return zlib.createInflate(flush)
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      })
    default:
      throw new UrlFetchError('decode', `content-encoding "${encoding}" is not supported`)
  }
}

interface Sink {
  write(bytes: Buffer): void
  end(): Pick<BodyOutcome, 'charset' | 'facts' | 'text' | 'links'>
}

function createSink(use: BodyUse): Sink {
  if (use.as === 'count') return { write() {}, end: () => ({ charset: null, facts: null, text: null }) }
  if (use.as === 'text') {
    const decoder = createTextDecoder('utf-8')
    let text = ''
    return {
      write: (bytes) => (text += decoder.write(bytes)),
      end: () => ({ charset: 'utf-8', facts: null, text: text + decoder.end() }),
    }
  }
  return createHtmlSink(use)
}

/** Holds the first bytes back until the charset is known (from `<meta>`), then streams. */
function createHtmlSink(use: Extract<BodyUse, { as: 'html' }>): Sink {
  const { headerCharset } = use
  const keepText = use.keepText ?? false
  const parser = new PageFactsCollector(use.pageUrl, use.collectLinks)
  // The decoded page is kept whole only for extraction rules, which need a DOM and the source.
  let text = ''
  const collector = {
    write(part: string): void {
      if (keepText) text += part
      parser.write(part)
    },
  }
  let held: Buffer[] | null = []
  let heldBytes = 0
  let charset: string | null = null
  let decoder: ReturnType<typeof createTextDecoder> | null = null
  const release = (): void => {
    const head = Buffer.concat(held!)
    held = null
    charset = pickCharset(headerCharset, head)
    decoder = createTextDecoder(charset)
    collector.write(decoder.write(head))
  }
  return {
    write(bytes) {
      if (held) {
        held.push(bytes)
        heldBytes += bytes.length
        if (heldBytes >= CHARSET_SNIFF_BYTES) release()
      } else collector.write(decoder!.write(bytes))
    },
    end() {
      if (held) release()
      collector.write(decoder!.end())
      return { charset, facts: parser.finish(), text: keepText ? text : null, links: parser.links }
    },
  }
}
