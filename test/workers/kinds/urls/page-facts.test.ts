import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { linkHost, PageFactsCollector } from '../../../../src/workers/kinds/urls/page-facts'

const factsOf = (html: string, url = 'https://www.example.com/dir/page', chunk = 7) => {
  const collector = new PageFactsCollector(url)
  for (let i = 0; i < html.length; i += chunk) collector.write(html.slice(i, i + chunk))
  return collector.finish()
}

describe('page facts', () => {
  it('counts words once when a chunk boundary splits them, and skips hidden text', () => {
    const facts = factsOf(
      '<html><head><title>Not counted</title><style>p{}</style></head><body>alpha beta&amp;gamma <b>delta</b><noscript>hidden words</noscript>\u00a0epsilon</body></html>',
      'https://example.com/',
      3,
    )
    expect(facts.wordCount).toBe(4)
  })

  it('resolves links against <base href> and tells internal from external by host', () => {
    const facts = factsOf(
      '<base href="https://cdn.example.net/"><a href="/x">1</a><a href="https://www.example.com/y">2</a><a href="javascript:void(0)">3</a>',
    )
    expect(facts).toMatchObject({ internalLinks: 1, externalLinks: 1 })
  })

  it("collects a crawl's links: resolved against <base>, without fragments, http(s) only, each once", () => {
    const collector = new PageFactsCollector('https://www.example.com/dir/page', true)
    collector.write(
      '<a href="a#x">1</a><base href="https://www.example.com/other/"><a href="b">2</a><a href="../c?q=1#top">3</a>' +
        '<area href="//cdn.example.net/d"><a href="mailto:x@y.z">4</a><a href="javascript:void(0)">5</a>' +
        '<a href="#only">6</a><a href="b#again">7</a><a href="ftp://files.example/">8</a><a>9</a>',
    )
    collector.finish()
    // A link before <base> resolves against the page (the parser streams; browsers look ahead).
    expect([...collector.links!]).toEqual([
      'https://www.example.com/dir/a',
      'https://www.example.com/other/b',
      'https://www.example.com/c?q=1',
      'https://cdn.example.net/d',
      'https://www.example.com/other/',
    ])
    expect(new PageFactsCollector('https://a.example/').links).toBeNull()
  })

  it('keeps the first title, description and h1, ignoring an svg title', () => {
    const facts = factsOf(
      '<svg><title>icon</title></svg><title>Real</title><title>Second</title><meta name="DESCRIPTION" content=" first "><meta name="description" content="second"><h1> A <em>b</em> </h1><h1>c</h1>',
    )
    expect(facts).toMatchObject({ title: 'Real', metaDescription: 'first', h1: 'A b', h1Count: 2 })
  })
})

describe('linkHost', () => {
  const base = new URL('https://www.example.com/dir/page')
  it.each([
    ['/a', 'www.example.com'],
    ['a/b?c', 'www.example.com'],
    ['#top', 'www.example.com'],
    ['//Other.example.org/x', 'other.example.org'],
    ['HTTPS://User:pw@WWW.Example.com:8443/x', 'www.example.com'],
    ['http://[::1]:80/', '[::1]'],
    ['http://bücher.example/', 'xn--bcher-kva.example'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['mailto:a@b.c', null],
    ['tel:123', null],
    ['  https://spaced.example/  ', 'spaced.example'],
  ])('%s → %s', (href, host) => {
    expect(linkHost(href, base)).toBe(host)
  })

  // The fast path must say what a URL parser says, for every shape of link a page can hold.
  it('agrees with the URL parser on generated links', () => {
    const pick = (...options: string[]) => fc.constantFrom(...options)
    const host = fc
      .array(pick('a', 'B', 'z9', '0', '12', 'x-y', '0x1f', 'bücher', '-', ''), { minLength: 1, maxLength: 4 })
      .map((labels) => labels.join('.'))
    const link = fc
      .tuple(
        pick('', ' ', '\t'),
        pick('', 'http', 'HTTPS', 'hTtp', 'ftp', 'mailto', 'javascript', 'h2', 'a+b', '1x'),
        pick('', ':', '://', ':/', '//', ':\\\\'),
        pick('', 'user@', 'u:p@', '@'),
        fc.oneof(host, pick('[::1]', '[x', '127.0.0.1', 'a..b', 'a.')),
        pick('', ':80', ':', ':x'),
        pick('', '/', '/p?q#f', '?x', '#y', '/a%20b', '/a\\b', '/é'),
        pick('', ' ', '\n'),
      )
      .map((parts) => parts.join(''))
    fc.assert(
      fc.property(link, fc.constantFrom(base, new URL('file:///tmp/x')), (href, from) => {
        let expected: string | null
        try {
          const url = new URL(href.trim(), from)
          expected = url.protocol === 'http:' || url.protocol === 'https:' ? url.hostname : null
        } catch {
          expected = null
        }
        expect(linkHost(href, from)).toBe(expected)
      }),
      { numRuns: 5000 },
    )
  })
})
