import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { urlsSpecSchema, type UrlsSpec } from '../../../../src/shared/kinds/urls'
import type { PlannedItem } from '../../../../src/shared/worker-protocol'
import { urlsHandler } from '../../../../src/workers/kinds/urls'
import { fakeRunContext } from './fake-contexts'

let server: Server | null = null
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
  server = null
})

/** A site whose robots.txt cannot be reached the first `robotsResets` times (the connection is reset). */
async function site(robotsResets: number): Promise<{ base: string; hits: Map<string, number> }> {
  const hits = new Map<string, number>()
  server = createServer((req, res) => {
    const path = req.url ?? '/'
    hits.set(path, (hits.get(path) ?? 0) + 1)
    if (path === '/robots.txt') {
      if (robotsResets-- > 0) return req.socket.destroy()
      res.writeHead(200, { 'content-type': 'text/plain' })
      return res.end('User-agent: *\nDisallow: /private\n')
    }
    if (path === '/old/') {
      res.writeHead(301, { location: '/new/' })
      return res.end()
    }
    res.writeHead(200, { 'content-type': 'text/html' })
    if (path.startsWith('/new/'))
      return res.end('<a href="a">a</a><a href="c">c</a><a href="/old/b">b</a><a href="/other">o</a>')
    res.end(
      '<a href="/p/1#x">1</a><a href="p/2">2</a><a href="/private/a">p</a><a href="/p/0">self</a>' +
        '<a href="http://localhost:1/p/3">off</a><a href="mailto:a@b.c">m</a>',
    )
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits }
}

const crawlSpec = (url: string, depth: number | null = null): UrlsSpec =>
  urlsSpecSchema.parse({ kind: 'urls', input: { type: 'crawl', url, depth }, timeoutMs: 5000, retries: 1 })

function crawlContext() {
  const run = fakeRunContext()
  const found: { id: number; unit: PlannedItem }[] = []
  run.ctx.emit = (id, unit) => found.push({ id, unit })
  return { ...run, found }
}

describe('a crawled page in the worker', () => {
  it('is not fetched while robots.txt cannot be read: it goes again, and then leads on in scope', async () => {
    // Read twice in a try (its Crawl-delay, then its rules), so unreachable for the whole first try.
    const { base, hits } = await site(2)
    const spec = crawlSpec(`${base}/p/0`)
    const { ctx, rows, failures, found, itemsFor } = crawlContext()
    const unit = { ...itemsFor([`${base}/p/0`])[0]!, payload: { depth: 0 } }
    await urlsHandler.run(spec, [unit], ctx)
    expect(failures).toEqual([
      expect.objectContaining({
        id: 1,
        retryable: true,
        error: expect.stringMatching(/robots\.txt could not be read/),
      }),
    ])
    expect(hits.get('/p/0')).toBeUndefined()
    expect(found).toEqual([])

    await urlsHandler.run(spec, [{ ...unit, attempt: 2 }], ctx)
    expect(hits.get('/p/0')).toBe(1)
    expect(rows.get(`${base}/p/0`)).toMatchObject({ status: 200, depth: 0, foundFrom: null })
    expect(found.map(({ id, unit }) => [id, unit.key, unit.payload, unit.role])).toEqual([
      [1, `${base}/p/1`, { depth: 1, from: `${base}/p/0` }, 'finds'],
      [1, `${base}/p/p/2`, { depth: 1, from: `${base}/p/0` }, 'finds'], // relative to /p/
      [1, `${base}/private/a`, { depth: 1, from: `${base}/p/0` }, 'finds'],
    ])
  })

  it('finds nothing at the depth limit, and says how it was found', async () => {
    const { base } = await site(0)
    const { ctx, rows, found, itemsFor } = crawlContext()
    const unit = { ...itemsFor([`${base}/p/2`])[0]!, payload: { depth: 2, from: `${base}/p/0` } }
    await urlsHandler.run(crawlSpec(`${base}/p/0`, 2), [unit], ctx)
    expect(rows.get(`${base}/p/2`)).toMatchObject({ status: 200, depth: 2, foundFrom: `${base}/p/0` })
    expect(found).toEqual([])
  })

  it('judges the scope from where the start page landed, at every depth below it', async () => {
    const { base } = await site(0)
    const spec = urlsSpecSchema.parse({ kind: 'urls', input: { type: 'crawl', url: `${base}/old/`, scope: 'prefix' } })
    const { ctx, found, itemsFor } = crawlContext()
    const [start, next] = itemsFor([`${base}/old/`, `${base}/new/a`])
    await urlsHandler.run(spec, [{ ...start!, payload: { depth: 0 } }], ctx)
    const site1 = { depth: 1, from: `${base}/old/`, site: `${base}/new/` }
    expect(found.map(({ unit }) => [unit.key, unit.payload])).toEqual([
      [`${base}/new/a`, site1],
      [`${base}/new/c`, site1],
    ])
    found.length = 0
    await urlsHandler.run(spec, [{ ...next!, payload: site1 }], ctx)
    // Below the start, the site is still /new/: its /old/ link and the page outside it are not followed.
    expect(found.map(({ unit }) => [unit.key, unit.payload])).toEqual([
      [`${base}/new/c`, { depth: 2, from: `${base}/new/a`, site: `${base}/new/` }],
    ])
  })

  it('refuses to run without a way to report what it finds (a remote host)', async () => {
    const { base, hits } = await site(0)
    const { ctx, failures } = fakeRunContext()
    await urlsHandler.run(
      crawlSpec(`${base}/p/0`),
      [{ id: 1, key: `${base}/p/0`, payload: { depth: 0 }, size: 0, attempt: 1 }],
      ctx,
    )
    expect(failures).toEqual([
      expect.objectContaining({ error: 'Crawling a page needs a local worker; this one cannot add pages.' }),
    ])
    expect(hits.size).toBe(0)
  })
})
