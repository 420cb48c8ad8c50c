import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { urlsSpecSchema, type UrlResult, type UrlsSpec } from '../../../../src/shared/kinds/urls'
import { urlsHandler } from '../../../../src/workers/kinds/urls'
import { THROTTLED_TRIES_IN_PLACE } from '../../../../src/workers/kinds/urls/paced-fetch'
import { knownPageFacts, startUrlFixtureServer, type UrlFixtureServer } from '../../../fixtures/url-fixture-server'
import { fakeRunContext } from './fake-contexts'

let server: UrlFixtureServer
beforeAll(async () => {
  server = await startUrlFixtureServer()
})
afterAll(() => server.close())

const spec = (options: Partial<UrlsSpec> = {}): UrlsSpec =>
  urlsSpecSchema.parse({
    kind: 'urls',
    input: { type: 'text', text: '' },
    timeoutMs: 2000,
    maxBytes: 256 * 1024,
    retries: 0,
    ...options,
  })

/** Waits the farm's retry policy asked for, by URL (the server's Retry-After). */
const retryAfters = new Map<string, number | undefined>()

/** Runs the handler as the farm would: a unit that failed retryably goes again with its next attempt. */
async function analyse(paths: string[], options: Partial<UrlsSpec> = {}): Promise<Map<string, UrlResult>> {
  const { ctx, rows, failures, itemsFor, keys } = fakeRunContext()
  const urls = paths.map((p) => (p.startsWith('http') ? p : server.baseUrl + p))
  let units = itemsFor(urls)
  while (units.length > 0) {
    await urlsHandler.run(spec(options), units, ctx)
    const again = failures.splice(0)
    expect(again.every((f) => f.retryable)).toBe(true)
    for (const f of again) retryAfters.set(keys.get(f.id)!.slice(server.baseUrl.length), f.retryAfterMs)
    units = again.map((f) => {
      const unit = units.find((u) => u.id === f.id)!
      return { ...unit, attempt: unit.attempt + 1 }
    })
  }
  expect(rows.size).toBe(urls.length)
  return new Map(
    [...rows].map(([url, row]) => [url.startsWith(server.baseUrl) ? url.slice(server.baseUrl.length) : url, row]),
  )
}

describe('urls run on known pages', () => {
  it('fills every column of a known page', async () => {
    const row = (await analyse(['/page'])).get('/page')!
    expect(row).toMatchObject({
      ...knownPageFacts,
      url: `${server.baseUrl}/page`,
      finalUrl: `${server.baseUrl}/page`,
      status: 200,
      redirects: [],
      contentType: 'text/html; charset=utf-8',
      charset: 'utf-8',
      canonical: `${server.baseUrl}/page`,
      truncated: false,
      attempts: 1,
      errorClass: null,
      errorMessage: null,
    })
    expect(row.bodyBytes).toBeGreaterThan(500)
    expect(row.ttfbMs).toBeGreaterThanOrEqual(0)
    expect(row.totalMs).toBeGreaterThanOrEqual(row.ttfbMs!)
  })

  it('records every redirect hop and analyses the final page', async () => {
    const row = (await analyse(['/redirect'])).get('/redirect')!
    expect(row.redirects).toEqual([
      { status: 301, location: `${server.baseUrl}/redirect/2` },
      { status: 302, location: `${server.baseUrl}/page` },
    ])
    expect(row).toMatchObject({ status: 200, finalUrl: `${server.baseUrl}/page`, title: 'Known page' })
  })

  it('decodes gzip, brotli and deflate, and latin1 and Shift_JIS from header or meta', async () => {
    const rows = await analyse(['/gzip', '/br', '/deflate', '/latin1', '/latin1-meta', '/sjis', '/no-type'])
    expect(rows.get('/gzip')).toMatchObject({ title: 'Gzipped', wordCount: 2, errorClass: null })
    expect(rows.get('/br')).toMatchObject({ title: 'Brotli', wordCount: 2, errorClass: null })
    expect(rows.get('/deflate')).toMatchObject({ title: 'Deflated', wordCount: 2, errorClass: null })
    expect(rows.get('/latin1')).toMatchObject({ title: 'Café crème', charset: 'windows-1252', wordCount: 2 })
    expect(rows.get('/latin1-meta')).toMatchObject({ title: 'Café crème', charset: 'windows-1252' })
    expect(rows.get('/sjis')).toMatchObject({ title: '日本語のページ', h1: 'こんにちは', charset: 'shift_jis' })
    expect(rows.get('/no-type')).toMatchObject({ title: 'Untyped', contentType: null, errorClass: null })
  })

  it('keeps markup and script inside a title as text, and copes with malformed HTML and empty bodies', async () => {
    const rows = await analyse(['/title-markup', '/malformed', '/empty'])
    expect(rows.get('/title-markup')!.title).toBe('Tom & <b>Jerry</b><script>alert(1)</script>')
    expect(rows.get('/malformed')).toMatchObject({
      status: 200,
      h1Count: 2,
      internalLinks: 1,
      images: 1,
      errorClass: null,
    })
    expect(rows.get('/empty')).toMatchObject({ status: 200, bodyBytes: 0, title: null, wordCount: 0, errorClass: null })
  })
})

describe('urls run on hostile servers', () => {
  it('gives every failure its status or error class, within the time budget', async () => {
    const rows = await analyse(
      [
        '/no-headers',
        '/trickle',
        '/huge',
        '/loop/a',
        '/bad-redirect',
        '/reset',
        '/binary',
        '/bad-gzip',
        '/404',
        '/500',
        server.refusedUrl,
        'http://unknown-host.invalid/',
      ],
      { timeoutMs: 1500, maxBytes: 1024 * 1024 },
    )
    const classes = Object.fromEntries([...rows].map(([path, row]) => [path, [row.status, row.errorClass]]))
    expect(classes).toEqual({
      '/no-headers': [null, 'timeout'],
      '/trickle': [null, 'timeout'],
      '/huge': [200, 'too-large'],
      '/loop/a': [null, 'redirect-loop'],
      '/bad-redirect': [null, 'bad-redirect'],
      '/reset': [null, 'reset'],
      '/binary': [200, 'not-html'],
      '/bad-gzip': [null, 'decode'],
      '/404': [404, 'http-error'],
      '/500': [500, 'http-error'],
      [server.refusedUrl]: [null, 'refused'],
      'http://unknown-host.invalid/': [null, 'dns'],
    })
    expect(rows.get('/huge')).toMatchObject({ truncated: true, bodyBytes: 1024 * 1024, title: 'Huge' })
    expect(rows.get('/binary')).toMatchObject({ bodyBytes: 4096, contentType: 'application/octet-stream', title: null })
    expect(rows.get('/loop/a')!.redirects.map((hop) => hop.status)).toEqual([302, 302])
    expect(rows.get('/404')).toMatchObject({ title: 'Not here', errorMessage: 'HTTP 404 Not Found' })
    for (const row of rows.values()) expect(row.errorMessage).not.toBeNull()
  })

  it('stops a redirect chain at maxRedirects', async () => {
    const row = (await analyse(['/redirect'], { maxRedirects: 1 })).get('/redirect')!
    expect(row).toMatchObject({ errorClass: 'too-many-redirects', status: null })
    expect(row.redirects).toHaveLength(2)
  })

  it('tries a 429 again in place after its Retry-After, not as a failed attempt', async () => {
    const rows = await analyse(['/429'], { retries: 2 })
    expect(rows.get('/429')).toMatchObject({ status: 200, title: 'Served at last', attempts: 1, errorClass: null })
    expect(server.hits('/429')).toBe(2)
    expect(retryAfters.has('/429')).toBe(false)
  })

  it('asks the farm to retry a 503 a bounded number of times', async () => {
    const rows = await analyse(['/503'], { retries: 2 })
    expect(rows.get('/503')).toMatchObject({ status: 503, attempts: 3, errorClass: 'http-error' })
    expect(server.hits('/503')).toBe(3)
  })

  it('gives up trying a 429 in place after a bounded number of tries', async () => {
    const rows = await analyse(['/always-429'], { retries: 0 })
    expect(rows.get('/always-429')).toMatchObject({ status: 429, attempts: 1, errorClass: 'http-error' })
    expect(server.hits('/always-429')).toBe(1 + THROTTLED_TRIES_IN_PLACE)
  })

  it('asks the farm to retry refused connections, then reports them', async () => {
    const row = (await analyse([server.refusedUrl], { retries: 1 })).get(server.refusedUrl)!
    expect(row).toMatchObject({ errorClass: 'refused', attempts: 2 })
  })

  it('skips what robots.txt disallows when asked to, reading robots.txt once per site', async () => {
    const before = server.hits('/robots.txt')
    const rows = await analyse(['/private/page', '/page', '/a'], { robots: true })
    expect(rows.get('/private/page')).toMatchObject({ errorClass: 'robots-disallowed', status: null })
    expect(rows.get('/page')!.errorClass).toBeNull()
    expect(server.hits('/private/page')).toBe(0)
    expect(server.hits('/robots.txt') - before).toBeLessThanOrEqual(1)
  })

  it('stops at once when the job is cancelled, leaving unfinished items unreported', async () => {
    const controller = new AbortController()
    const { ctx, rows, itemsFor } = fakeRunContext(controller.signal)
    const run = urlsHandler.run(
      spec({ timeoutMs: 20_000 }),
      itemsFor([`${server.baseUrl}/no-headers`, `${server.baseUrl}/trickle`]),
      ctx,
    )
    setTimeout(() => controller.abort(), 200)
    await run
    expect(rows.size).toBe(0)
  })
})
