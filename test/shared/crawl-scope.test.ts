import { describe, expect, it } from 'vitest'
import { inCrawlScope, registrableDomain } from '../../src/shared/kinds/crawl-scope'

const inScope = (link: string, start: string, scope: 'host' | 'domain' | 'prefix'): boolean =>
  inCrawlScope(new URL(link), new URL(start), scope)

describe('a crawl scope', () => {
  it('host: the same host and port, either scheme', () => {
    expect(inScope('https://a.example.com/x', 'http://a.example.com/', 'host')).toBe(true)
    expect(inScope('http://b.example.com/', 'http://a.example.com/', 'host')).toBe(false)
    expect(inScope('http://a.example.com:8080/', 'http://a.example.com/', 'host')).toBe(false)
  })

  it('domain: the same registrable domain by its last two labels, any subdomain; an IP is its own', () => {
    expect(inScope('http://docs.example.com/', 'http://www.example.com/', 'domain')).toBe(true)
    expect(inScope('http://example.com:81/', 'http://www.example.com/', 'domain')).toBe(true)
    expect(inScope('http://example.org/', 'http://www.example.com/', 'domain')).toBe(false)
    expect(inScope('http://127.0.0.2/', 'http://127.0.0.1/', 'domain')).toBe(false)
    expect(registrableDomain('A.B.Example.COM.')).toBe('example.com')
    expect(registrableDomain('localhost')).toBe('localhost')
    expect(registrableDomain('10.0.0.1')).toBe('10.0.0.1')
    expect(registrableDomain('[::1]')).toBe('[::1]')
    // The rule's known limit, without a public suffix list: a site under co.uk shares co.uk.
    expect(registrableDomain('shop.example.co.uk')).toBe('co.uk')
  })

  it("prefix: the same host, and a path that starts with the start's path", () => {
    expect(inScope('http://a.com/docs/b/c', 'http://a.com/docs/', 'prefix')).toBe(true)
    expect(inScope('http://a.com/blog/', 'http://a.com/docs/', 'prefix')).toBe(false)
    expect(inScope('http://b.com/docs/x', 'http://a.com/docs/', 'prefix')).toBe(false)
  })
})
