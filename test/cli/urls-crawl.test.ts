import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { keyOfUnit } from '../../src/shared/packed-unit'
import type { PackedUnit } from '../../src/shared/worker-protocol'
import { expectedCrawl, startCrawlSite, type CrawlSite } from '../fixtures/crawl-fixture-site'
import { isProcessGone } from '../support/process-state'
import { cliEntry, tempDir, until } from '../support/test-farm'
import { childPids } from './copy-cli-helpers'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
}, 60_000)

async function site(pages: number, delayMs = 0): Promise<CrawlSite> {
  const fixture = await startCrawlSite({ pages, delayMs })
  cleanups.push(() => fixture.close())
  return fixture
}
function workspace(): string {
  const dir = tempDir('tf-urls-crawl-')
  cleanups.push(() => dir.remove())
  return dir.path
}

function startCli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [cliEntry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  cleanups.push(() => {
    for (const pid of [child.pid!, ...childPids(child.pid!)]) if (!isProcessGone(pid)) process.kill(pid, 'SIGKILL')
  })
  return child
}

/** Runs the CLI without blocking this process, which serves the fixture. */
function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = startCli(args)
    let out = ''
    let err = ''
    child.stdout!.on('data', (chunk) => (out += chunk))
    child.stderr!.on('data', (chunk) => (err += chunk))
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

interface Row {
  url: string
  state: string
  status: number | null
  error_class: string | null
  error_message: string | null
  found_from: string | null
  depth: number | null
}
const readRows = (file: string): Row[] => JSON.parse(readFileSync(file, 'utf8')) as Row[]

/** What the rows say of each page, by path, as `expectedCrawl` gives it; each URL once. */
function byPath(rows: Row[], base: string): Map<string, { depth: number; from: string | null }> {
  const out = new Map<string, { depth: number; from: string | null }>()
  for (const row of rows) {
    const path = row.url.slice(base.length)
    expect(out.has(path), `${path} recorded twice`).toBe(false)
    out.set(path, { depth: row.depth!, from: row.found_from === null ? null : row.found_from.slice(base.length) })
  }
  return out
}

/** The keys of a job's units in the history, and which of them are recorded done. */
function unitsInHistory(db: string): { keys: string[]; done: Set<string> } {
  const history = new Database(db, { readonly: true })
  try {
    const items = history.prepare('SELECT units, marks FROM items WHERE job_id = 1 ORDER BY id').all() as {
      units: string
      marks: string
    }[]
    const keys: string[] = []
    const done = new Set<string>()
    for (const item of items)
      (JSON.parse(item.units) as PackedUnit[]).forEach((unit, i) => {
        const key = keyOfUnit(unit)
        keys.push(key)
        if (item.marks[i] === 'd') done.add(key)
      })
    return { keys, done }
  } finally {
    history.close()
  }
}

// Under load: a robots.txt that timed out would refuse its pages for a while, a page timed out goes twice.
const common = ['--workers', '2', '--concurrency', '16', '--timeout-ms', '60000']
/** `task-farm urls --crawl` of the fixture from its first page, on history `db`. */
const crawlArgs = (db: string, site: CrawlSite, ...more: string[]): string[] => [
  '--db',
  db,
  'urls',
  '--crawl',
  `${site.baseUrl}/p/0`,
  ...more,
]

describe('task-farm urls --crawl', { timeout: 240_000 }, () => {
  it('visits each in-scope page of a 2,000-page site with cycles once, no off-scope link, robots.txt obeyed', async () => {
    const fixture = await site(2000)
    const dir = workspace()
    const out = join(dir, 'rows.json')
    const run = await runCli(crawlArgs(join(dir, 'h.sqlite'), fixture, ...common))
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    const expected = expectedCrawl(2000)
    const n = expected.size.toLocaleString('en-US')
    expect(run.out).toMatch(new RegExp(`Completed job 1: ${n} of ${n} items done`))
    // Each page fetched exactly once; disallowed and off-scope pages never.
    for (let i = 0; i < 2000; i++) expect(fixture.hits.get(`/p/${i}`), `/p/${i}`).toBe(1)
    expect([...fixture.hits.keys()].filter((p) => !p.startsWith('/p/'))).toEqual([])
    expect(fixture.offScope).toEqual([])
    const exported = await runCli(['--db', join(dir, 'h.sqlite'), 'export', '1', '--out', out])
    expect(exported.code, exported.err).toBe(0)
    const rows = readRows(out)
    expect(byPath(rows, fixture.baseUrl)).toEqual(expected)
    const disallowed = rows.filter((r) => r.url.includes('/private/'))
    expect(disallowed.length).toBe(200)
    for (const row of disallowed) {
      expect(row).toMatchObject({ state: 'done', status: null, error_class: 'robots-disallowed' })
      expect(row.error_message).toMatch(/^robots\.txt disallows .*\/private\/\d+ for this user agent$/)
    }
  })

  it('holds --depth and --max-pages, and the CSV has found_from and depth columns', async () => {
    const fixture = await site(2000)
    const dir = workspace()
    const db = join(dir, 'h.sqlite')
    const csv = join(dir, 'rows.csv')
    const deep = await runCli(crawlArgs(db, fixture, '--depth', '3', '--out', csv, ...common))
    expect(deep.code, deep.err).toBe(0)
    const expected = expectedCrawl(2000, 3) // 40 pages and 2 disallowed ones
    expect([...fixture.hits.keys()].sort()).toEqual([...expected.keys()].filter((p) => p.startsWith('/p/')).sort())
    expect([...fixture.hits.values()].every((n) => n === 1)).toBe(true)
    const header = readFileSync(csv, 'utf8').split('\n')[0]!
    expect(header).toMatch(/^url,state,.*,images,found_from,depth$/)
    expect(readFileSync(csv, 'utf8').trim().split('\n').length).toBe(expected.size + 1)
    const shown = await runCli(['--db', db, 'show', '1'])
    expect(shown.out).toContain(
      `Plan:     Crawl of the pages found from ${fixture.baseUrl}/p/0 (host scope, at most 3 links away, 10000 pages at most)`,
    )

    fixture.hits.clear()
    const json = join(dir, 'capped.json')
    const capped = await runCli(crawlArgs(db, fixture, '--max-pages', '100', ...common))
    expect(capped.code, capped.err).toBe(0)
    expect((await runCli(['--db', db, 'export', '2', '--out', json])).code).toBe(0)
    const rows = readRows(json)
    expect(rows.length).toBe(100)
    // Exactly the recorded pages were fetched, once each; each was found by a recorded page.
    const paths = byPath(rows, fixture.baseUrl)
    const fetched = [...paths.keys()].filter((p) => p.startsWith('/p/'))
    expect([...fixture.hits.keys()].sort()).toEqual(fetched.sort())
    expect([...fixture.hits.values()].every((n) => n === 1)).toBe(true)
    for (const [path, { from }] of paths) if (path !== '/p/0') expect(paths.has(from!), path).toBe(true)
    const logs = await runCli(['--db', db, 'logs', '2'])
    expect(logs.out).toMatch(/100 pages found \(--max-pages\): links to more are not followed/)
  })

  it('killed -9 mid-crawl, `resume` finishes it: every page once, none recorded before the kill fetched again', async () => {
    const fixture = await site(2000, 10)
    const dir = workspace()
    const db = join(dir, 'h.sqlite')
    const child = startCli(crawlArgs(db, fixture, '--workers', '2', '--concurrency', '8', '--timeout-ms', '60000'))
    await until(() => fixture.hits.size >= 400, 'the crawl to get going', 120_000)
    const pids = [child.pid!, ...childPids(child.pid!)]
    for (const pid of pids) process.kill(pid, 'SIGKILL')
    await until(() => pids.every((pid) => isProcessGone(pid)), 'every process of the farm to be gone', 60_000)
    const before = unitsInHistory(db)
    expect(before.done.size).toBeGreaterThan(0)
    expect(before.keys.length).toBeLessThan(expectedCrawl(2000).size) // killed mid-crawl indeed
    const resumed = await runCli(['--db', db, 'resume', '1', '--workers', '2'])
    expect(resumed.err).toBe('')
    expect(resumed.code).toBe(0)
    const after = unitsInHistory(db)
    const expected = [...expectedCrawl(2000).keys()].map((p) => `${fixture.baseUrl}${p}`)
    expect(after.keys.length).toBe(expected.length) // each URL once
    expect(new Set(after.keys)).toEqual(new Set(expected))
    expect(after.done.size).toBe(expected.length)
    for (const url of before.done) {
      const path = url.slice(fixture.baseUrl.length)
      if (path.startsWith('/p/')) expect(fixture.hits.get(path), path).toBe(1)
    }
    for (let i = 0; i < 2000; i++) expect(fixture.hits.get(`/p/${i}`), `/p/${i}`).toBeGreaterThanOrEqual(1)
    expect(fixture.offScope).toEqual([])
    const again = [...fixture.hits.values()].filter((n) => n > 1).length
    console.log(
      `crawl killed -9 with ${before.done.size} of ${expected.length} pages recorded (${before.keys.length} found); ` +
        `${again} pages fetched again on resume (fetched, not yet recorded at the kill)`,
    )
    expect([...fixture.hits.keys()].filter((p) => p.startsWith('/private'))).toEqual([])
  })

  it('refuses bad crawl options with exit code 2 and one sentence each', async () => {
    const dir = workspace()
    const db = join(dir, 'h.sqlite')
    const cases: [string[], RegExp][] = [
      [['--crawl', 'example.com/x'], /The crawl cannot start: "example\.com\/x" is not an absolute URL/],
      [
        ['--crawl', 'ftp://example.com/'],
        /The crawl cannot start: "ftp:\/\/example\.com\/" is not an http or https URL/,
      ],
      [['--crawl', 'http://127.0.0.1:1/', '--depth', '0'], /--depth must be a whole number from 1 to 1000\./],
      [['--crawl', 'http://127.0.0.1:1/', '--depth', 'deep'], /--depth must be a whole number/],
      [['--crawl', 'http://127.0.0.1:1/', '--max-pages', '-5'], /--max-pages must be a whole number from 1/],
      [['--crawl', 'http://127.0.0.1:1/', '--scope', 'planet'], /--scope must be one of: host, domain, prefix/],
      [
        ['urls.txt', '--crawl', 'http://127.0.0.1:1/'],
        /--crawl starts from one page: give it without a URL list file\./,
      ],
      [['urls.txt', '--depth', '2'], /--depth, --max-pages and --scope go with --crawl URL\./],
    ]
    for (const [args, message] of cases) {
      const r = await runCli(['--db', db, 'urls', ...args])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(r.err, args.join(' ')).toMatch(message)
    }
  })
})
