import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import { Parser } from 'htmlparser2'
import { UserError } from '../../../shared/user-error'
import type { UrlLine } from './read-url-list'
import { TextSkippingTokenizer } from './skipping-tokenizer'

/** The sitemaps protocol's bound on one sitemap, uncompressed; also what a gzip may expand to. */
const MAX_SITEMAP_BYTES = 50 * 1024 * 1024
/** Sitemaps read at most for one job (an index of indexes cannot fan out without end). */
const MAX_SITEMAPS = 1000

export interface SitemapSettings {
  userAgent: string
  timeoutMs: number
  signal: AbortSignal
  /** A nested sitemap that cannot be read is skipped with a warning; only the first one refuses the job. */
  warn(message: string): void
}

/**
 * The page URLs of a sitemap or sitemap index (sitemaps.org), by URL or file, gzipped or not: an
 * index's sitemaps are read in turn, each once. `line` numbers the URLs in the order found.
 */
export async function* readSitemap(source: string, settings: SitemapSettings): AsyncGenerator<UrlLine> {
  const queue = [source]
  const seen = new Set(queue)
  let line = 0
  for (let read = 0; queue.length && read < MAX_SITEMAPS && !settings.signal.aborted; read++) {
    const where = queue.shift()!
    let found: ParsedSitemap
    try {
      found = parseSitemap(await loadSitemap(where, settings), where)
    } catch (error) {
      const message =
        error instanceof UserError ? error.message : `${where} cannot be read: ${(error as Error).message}`
      if (read === 0) throw new UserError(message, 'input-unreadable')
      settings.warn(`${message}; skipped`)
      continue
    }
    for (const child of found.sitemaps)
      if (!seen.has(child)) {
        seen.add(child)
        queue.push(child)
      }
    for (const text of found.pages) yield { line: ++line, text }
  }
  if (queue.length) settings.warn(`more than ${MAX_SITEMAPS} sitemaps: ${queue.length} not read`)
}

async function loadSitemap(where: string, settings: SitemapSettings): Promise<Buffer> {
  let bytes: Buffer
  if (/^https?:\/\//i.test(where)) {
    const response = await fetch(where, {
      headers: { 'user-agent': settings.userAgent, accept: 'application/xml,text/xml;q=0.9,*/*;q=0.8' },
      signal: AbortSignal.any([settings.signal, AbortSignal.timeout(settings.timeoutMs)]),
    })
    if (!response.ok) throw new UserError(`The sitemap ${where} answered HTTP ${response.status}.`, 'input-unreadable')
    bytes = Buffer.from(await response.arrayBuffer())
  } else {
    try {
      bytes = await readFile(where)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new UserError(
        code === 'ENOENT' ? `The sitemap ${where} does not exist.` : `The sitemap ${where} cannot be read.`,
        'input-unreadable',
      )
    }
  }
  // A .xml.gz is gzip in its bytes, whatever its name or content type says.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_SITEMAP_BYTES })
    } catch {
      throw new UserError(`The sitemap ${where} is not valid gzip or is over 50 MiB unpacked.`, 'input-unreadable')
    }
  }
  if (bytes.length > MAX_SITEMAP_BYTES) throw new UserError(`The sitemap ${where} is over 50 MiB.`, 'input-unreadable')
  return bytes
}

interface ParsedSitemap {
  pages: string[]
  sitemaps: string[]
}

/** The `<loc>`s of `<url>`s (pages) and of `<sitemap>`s (an index's sitemaps); relative ones resolved. */
function parseSitemap(bytes: Buffer, where: string): ParsedSitemap {
  const found: ParsedSitemap = { pages: [], sitemaps: [] }
  const open: string[] = []
  let loc: string | null = null
  let root: string | null = null
  const parser = new Parser(
    {
      onopentag(name) {
        const local = name.toLowerCase().replace(/^.*:/, '')
        root ??= local
        open.push(local)
        if (local === 'loc') loc = ''
      },
      ontext(text) {
        if (loc !== null) loc += text
      },
      onclosetag() {
        const local = open.pop()
        if (local !== 'loc' || loc === null) return
        const parent = open[open.length - 1]
        const text = loc.trim()
        loc = null
        if (!text) return
        if (parent === 'url') found.pages.push(text)
        else if (parent === 'sitemap') found.sitemaps.push(absolute(text, where))
      },
    },
    { xmlMode: true, decodeEntities: true, Tokenizer: TextSkippingTokenizer },
  )
  parser.end(bytes.toString('utf8'))
  if (root !== 'urlset' && root !== 'sitemapindex')
    throw new UserError(`${where} is not a sitemap (no <urlset> or <sitemapindex>).`, 'input-unreadable')
  return found
}

function absolute(loc: string, where: string): string {
  try {
    return /^https?:\/\//i.test(where) ? new URL(loc, where).href : loc
  } catch {
    return loc
  }
}
