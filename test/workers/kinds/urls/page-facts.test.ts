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
})
