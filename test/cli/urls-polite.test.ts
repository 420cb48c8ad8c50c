import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterEach, describe, expect, it } from 'vitest'
import type { HostPace } from '../../src/shared/kinds/host-pace'
import { busiestSecond, startPoliteFixture, type PoliteFixture } from '../fixtures/polite-fixture-server'
import { cliEntry, tempDir, until } from '../support/test-farm'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function site(): Promise<PoliteFixture> {
  const fixture = await startPoliteFixture()
  cleanups.push(() => fixture.close())
  return fixture
}
function workspace(): string {
  const dir = tempDir('tf-urls-polite-')
  cleanups.push(() => dir.remove())
  return dir.path
}

/** Runs the CLI without blocking this process, which serves the fixture. */
function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (err += chunk))
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

describe('task-farm urls: --sitemap, --rate, --extract', { timeout: 120_000 }, () => {
  it('analyses a sitemap index at 1/s with its own columns, and `show` gives the host live', async () => {
    const fixture = await site()
    const dir = workspace()
    const db = join(dir, 'history.sqlite')
    const out = join(dir, 'rows.csv')
    const run = runCli([
      '--db',
      db,
      'urls',
      '--sitemap',
      `${fixture.baseUrl}/sitemap-index.xml`,
      '--rate',
      '60/min',
      '--extract',
      'heading=css:h1',
      '--extract',
      'page_no=regex:/p/(\\d+)',
      '--workers',
      '2',
      '--out',
      out,
    ])
    // While it runs, another CLI process asks the farm that runs it.
    let hosts: HostPace[] | undefined
    await until(() => fixture.arrivals.length >= 1, 'the first request', 60_000)
    for (let tries = 0; !hosts && tries < 20; tries++) {
      const shown = await runCli(['--db', db, 'show', '1', '--json'])
      hosts = (JSON.parse(shown.out || '{}') as { hosts?: HostPace[] }).hosts
    }
    // The job has seconds to go at 1/s: the text view shows the same host line.
    const text = await runCli(['--db', db, 'show', '1'])
    const r = await run
    expect(text.out).toMatch(/Host: {5}127\.0\.0\.1:\d+: \d+\/s now \(1\/s allowed\), \d+ requests, 0 throttled/)
    expect(text.out).toContain(`Analyse the sitemap ${fixture.baseUrl}/sitemap-index.xml`) // not "pasted URLs"
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/Completed job 1: 5 of 5 items done/)
    expect(hosts?.[0]).toMatchObject({ host: new URL(fixture.baseUrl).host, rate: 1 })
    expect(busiestSecond(fixture.arrivals)).toBeLessThanOrEqual(2)
    const rows = parse<Record<string, string>>(readFileSync(out), { columns: true })
    expect(rows.map((row) => [row.url!.slice(fixture.baseUrl.length), row.heading, row.page_no])).toEqual([
      ['/p/1', '/p/1', '1'],
      ['/p/2', '/p/2', '2'],
      ['/p/3', '/p/3', '3'],
      ['/p/4', '/p/4', '4'],
      ['/p/5&x=1', '/p/5&x=1', '5'],
    ])
  })

  it('refuses a bad --rate, a bad --extract and a missing sitemap with exit code 2 and one line', async () => {
    const dir = workspace()
    const db = join(dir, 'h.sqlite')
    const rate = await runCli(['--db', db, 'urls', '-', '--rate', 'fast'])
    expect(rate.code).toBe(2)
    expect(rate.err).toMatch(/--rate must be a number of requests per second or minute, such as 5\/s or 300\/min\./)
    const extract = await runCli(['--db', db, 'urls', '-', '--extract', 'x=css:div['])
    expect(extract.code).toBe(2)
    expect(extract.err).toMatch(/The CSS selector of x \("div\["\) is not valid/)
    const missing = await runCli(['--db', db, 'urls', '--sitemap', join(dir, 'none.xml')])
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/The sitemap .*none\.xml does not exist\./)
    const both = await runCli(['--db', db, 'urls', '-', '--sitemap', join(dir, 'none.xml')])
    expect(both.code).toBe(2)
  })
})
