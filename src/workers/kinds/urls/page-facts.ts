import { Parser } from 'htmlparser2'
import type { PageFacts } from '../../../shared/kinds/urls'

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

  constructor(pageUrl: string) {
    this.baseUrl = new URL(pageUrl)
    this.pageHost = this.baseUrl.hostname
    this.parser = new Parser(
      {
        onopentag: (name, attribs) => this.open(name, attribs),
        onclosetag: (name) => this.close(name),
        ontext: (text) => this.text(text),
      },
      { decodeEntities: true },
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
        if (attribs.href !== undefined) this.countLink(attribs.href)
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
    const words = text.match(/\S+/g)?.length ?? 0
    const continues = this.inWord && /^\S/.test(text)
    this.facts.wordCount += continues ? words - 1 : words
    if (text.length > 0) this.inWord = /\S$/.test(text)
  }

  private endCapture(): void {
    const { field, text } = this.capture!
    this.capture = null
    this.facts[field] = clip(collapse(text))
  }

  private countLink(href: string): void {
    const target = resolve(href, this.baseUrl)
    if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) return
    if (target.hostname === this.pageHost) this.facts.internalLinks++
    else this.facts.externalLinks++
  }
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
