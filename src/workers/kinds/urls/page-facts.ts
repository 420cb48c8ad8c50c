import { Parser } from 'htmlparser2'
import { MAX_LINKS_PER_PAGE } from '../../../shared/kinds/crawl-scope'
import type { PageFacts } from '../../../shared/kinds/urls'
import { TextSkippingTokenizer } from './skipping-tokenizer'

export const emptyPageFacts = (): PageFacts => ({
  title: null,
  metaDescription: null,
  h1: null,
  h1Count: 0,
  canonical: null,
  metaRobots: null,
  lang: null,
  wordCount: 0,
  internalLinks: 0,
  externalLinks: 0,
  images: 0,
})

/** Elements whose text a reader never sees. */
const hiddenElements = new Set(['head', 'script', 'style', 'noscript', 'template', 'title'])
/** Longest title, description or h1 kept: enough for any report, bounded for hostile pages. */
const MAX_TEXT = 2000

/**
 * Collects a page's facts from streamed HTML text: write decoded chunks as they arrive, then
 * `finish()`. Only the first title, description, robots, canonical and h1 count, like a browser or
 * a search engine would; links are resolved against `<base href>` or the page's own URL.
 */
export class PageFactsCollector {
  private readonly facts = emptyPageFacts()
  private readonly parser: Parser
  private baseUrl: URL
  private readonly pageHost: string
  private hiddenDepth = 0
  private svgDepth = 0
  private sawBase = false
  /** Text of the element being captured (first title or first h1), or null when none is open. */
  private capture: { field: 'title' | 'h1'; text: string } | null = null
  /** True when the last text ended inside a word, so a word split across chunks counts once. */
  private inWord = false
  /** A crawl's page: the http(s) links it yields, resolved and without their fragment, each once. */
  readonly links: Set<string> | null

  constructor(pageUrl: string, collectLinks = false) {
    this.links = collectLinks ? new Set() : null
    this.baseUrl = new URL(pageUrl)
    this.pageHost = this.baseUrl.hostname
    this.parser = new Parser(
      {
        onopentag: (name, attribs) => this.open(name, attribs),
        onclosetag: (name) => this.close(name),
        ontext: (text) => this.text(text),
      },
      { decodeEntities: true, Tokenizer: TextSkippingTokenizer },
    )
  }

  write(html: string): void {
    this.parser.write(html)
  }

  finish(): PageFacts {
    this.parser.end()
    if (this.capture) this.endCapture()
    return this.facts
  }

  private open(name: string, attribs: Record<string, string>): void {
    this.inWord = false
    const facts = this.facts
    if (hiddenElements.has(name)) this.hiddenDepth++
    switch (name) {
      case 'svg':
        this.svgDepth++
        break
      case 'html':
        if (facts.lang === null && attribs.lang !== undefined) facts.lang = attribs.lang.trim() || null
        break
      case 'title':
        if (facts.title === null && this.svgDepth === 0 && !this.capture) this.capture = { field: 'title', text: '' }
        break
      case 'h1':
        facts.h1Count++
        if (facts.h1 === null && !this.capture) this.capture = { field: 'h1', text: '' }
        break
      case 'meta': {
        const metaName = attribs.name?.trim().toLowerCase()
        const content = attribs.content !== undefined ? clip(collapse(attribs.content)) : null
        if (metaName === 'description' && facts.metaDescription === null) facts.metaDescription = content
        if (metaName === 'robots' && facts.metaRobots === null) facts.metaRobots = content
        break
      }
      case 'base':
        if (!this.sawBase && attribs.href !== undefined) {
          this.sawBase = true
          const base = resolve(attribs.href, this.baseUrl)
          if (base) this.baseUrl = base
        }
        break
      case 'link':
        if (facts.canonical === null && relTokens(attribs.rel).includes('canonical') && attribs.href !== undefined) {
          facts.canonical = resolve(attribs.href, this.baseUrl)?.href ?? attribs.href.trim()
        }
        break
      case 'a':
      case 'area':
        if (attribs.href !== undefined) {
          this.countLink(attribs.href)
          if (this.links && this.links.size < MAX_LINKS_PER_PAGE) this.keepLink(attribs.href)
        }
        break
      case 'img':
        facts.images++
        break
    }
  }

  private close(name: string): void {
    this.inWord = false
    if (hiddenElements.has(name) && this.hiddenDepth > 0) this.hiddenDepth--
    if (name === 'svg' && this.svgDepth > 0) this.svgDepth--
    if (this.capture && this.capture.field === name) this.endCapture()
  }

  private text(text: string): void {
    if (this.capture && this.capture.text.length < MAX_TEXT * 2) this.capture.text += text
    if (this.hiddenDepth > 0) return
    // A hand-written scan: pages are mostly text, and a regex allocates a match array per chunk.
    let inWord = this.inWord
    let words = 0
    for (let i = 0; i < text.length; i++) {
      const space = isSpace(text.charCodeAt(i))
      if (!space && !inWord) words++
      inWord = !space
    }
    this.inWord = inWord
    this.facts.wordCount += words
  }

  private endCapture(): void {
    const { field, text } = this.capture!
    this.capture = null
    this.facts[field] = clip(collapse(text))
  }

  private keepLink(href: string): void {
    const target = resolve(href, this.baseUrl)
    if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:') || target.hostname === '') return
    target.hash = ''
    this.links!.add(target.href)
  }

  private countLink(href: string): void {
    const host = linkHost(href, this.baseUrl)
    if (host === null) return
    if (host === this.pageHost) this.facts.internalLinks++
    else this.facts.externalLinks++
  }
}

/**
 * The host a link points to, or null for links that are not http(s). Pages have hundreds of links,
 * so the common shapes (relative paths, plain absolute URLs) are read by one scan of their characters,
 * without building a URL or running a regular expression; anything unusual goes to the URL parser.
 */
export function linkHost(rawHref: string, base: URL): string | null {
  const href = trimmedHref(rawHref)
  const n = href.length
  for (let i = 0; i < n; i++) {
    const c = href.charCodeAt(i)
    // Tabs and newlines (a URL parser drops them), backslashes, percent-escapes, non-ASCII.
    if (c < 0x20 || c > 0x7e || c === 0x5c || c === 0x25) return slowLinkHost(href, base)
  }
  const colon = schemeEnd(href)
  if (colon < 0) {
    if (href.startsWith('//')) return slowLinkHost(href, base)
    return base.protocol === 'http:' || base.protocol === 'https:' ? base.hostname : null
  }
  const protocol = href.slice(0, colon).toLowerCase()
  if (protocol !== 'http' && protocol !== 'https') return null
  if (href.charCodeAt(colon + 1) !== 0x2f || href.charCodeAt(colon + 2) !== 0x2f) return slowLinkHost(href, base)
  let stop = colon + 3
  while (stop < n) {
    const c = href.charCodeAt(stop)
    if (c === 0x2f || c === 0x3f || c === 0x23) break // / ? #
    stop++
  }
  if (stop === colon + 3) return slowLinkHost(href, base)
  const host = plainHost(href.slice(colon + 3, stop))
  return host ?? slowLinkHost(href, base)
}

/** `href` without the spaces around it (most links have none: no new string then). */
function trimmedHref(href: string): string {
  const last = href.length - 1
  return last >= 0 && (href.charCodeAt(0) <= 0x20 || href.charCodeAt(last) <= 0x20) ? href.trim() : href
}

/** Where the scheme's colon is (`[a-zA-Z][a-zA-Z0-9+.-]*:`), or -1 for a link without a scheme. */
function schemeEnd(href: string): number {
  if (!isLetter(href.charCodeAt(0))) return -1
  for (let i = 1; i < href.length; i++) {
    const c = href.charCodeAt(i)
    if (c === 0x3a) return i
    if (!(isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2e || c === 0x2d)) return -1
  }
  return -1
}

const isLetter = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a

/** An authority's host when a URL parser would keep it as written (lower-cased), else null. Memoised: links share hosts. */
const plainHosts = new Map<string, string | null>()
function plainHost(authority: string): string | null {
  let host = plainHosts.get(authority)
  if (host !== undefined) return host
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1)
  const parts = hostPort.startsWith('[') ? [] : hostPort.toLowerCase().split(':')
  const [name = '', port = ''] = parts
  // Leave anything a URL parser would rewrite or refuse (numeric hosts, trailing dots, odd characters,
  // a port that is not a number) to it.
  const plain =
    parts.length <= 2 &&
    /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(name) &&
    !/(^|\.)(\d+|0x[0-9a-f]*)$/.test(name) &&
    /^\d{0,5}$/.test(port) &&
    Number(port) <= 65535
  host = plain ? name : null
  if (plainHosts.size >= 4096) plainHosts.clear()
  plainHosts.set(authority, host)
  return host
}

function slowLinkHost(href: string, base: URL): string | null {
  const target = resolve(href, base)
  return target && (target.protocol === 'http:' || target.protocol === 'https:') ? target.hostname : null
}

/** Whitespace as the `\s` class sees it. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d)
  if (c < 0xa0) return false
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  )
}

function resolve(href: string, base: URL): URL | null {
  try {
    return new URL(href.trim(), base)
  } catch {
    return null
  }
}

function relTokens(rel: string | undefined): string[] {
  return rel ? rel.toLowerCase().split(/\s+/) : []
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text
}
