import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import { cliEntry, tempDir } from '../support/test-farm'

let server: UrlFixtureServer
beforeAll(async () => {
  server = await startUrlFixtureServer()
})
afterAll(() => server.close())
const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

function workspace(): string {
  const dir = tempDir('tf-urls-cli-')
  dirs.push(dir)
  return dir.path
}

/** The CLI runs while this process serves the fixture pages, so it must not be a blocking spawn. */
function runCli(args: string[], stdin?: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (err += chunk))
    child.stdin.end(stdin ?? '')
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

describe('task-farm urls', () => {
  it('analyses a list file, reports invalid lines, and writes a CSV with a row per unique URL', async () => {
    const dir = workspace()
    const db = join(dir, 'history.sqlite')
    const list = join(dir, 'urls.txt')
    const paths = ['/page', '/redirect', '/404', '/gzip', '/binary', '/page#again']
    writeFileSync(
      list,
      ['# fixture pages', ...paths.map((p) => server.baseUrl + p), 'not a url', server.refusedUrl].join('\n'),
    )
    const out = join(dir, 'results.csv')
    const r = await runCli([
      '--db',
      db,
      'urls',
      list,
      '--retries',
      '0',
      '--timeout-ms',
      '3000',
      '--workers',
      '1',
      '--out',
      out,
    ])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/Completed job 1: 6 of 6 items done/)
    expect(r.out + r.err).toMatch(/line 8: "not a url" is not an absolute URL/)
    const rows = parse<Record<string, string>>(readFileSync(out), { columns: true })
    const byUrl = new Map(rows.map((row) => [row.url!.replace(server.baseUrl, ''), row]))
    expect([...byUrl.keys()].sort()).toEqual(
      ['/404', '/binary', '/gzip', '/page', '/redirect', server.refusedUrl].sort(),
    )
    expect(byUrl.get('/page')).toMatchObject({
      status: '200',
      title: 'Known page',
      h1_count: '2',
      word_count: '12',
      error_class: '',
    })
    expect(byUrl.get('/redirect')).toMatchObject({ redirects: '2', final_url: `${server.baseUrl}/page` })
    expect(byUrl.get('/404')).toMatchObject({ status: '404', error_class: 'http-error' })
    expect(byUrl.get('/binary')).toMatchObject({ error_class: 'not-html', body_bytes: '4096' })
    expect(byUrl.get(server.refusedUrl)).toMatchObject({ status: '', error_class: 'refused' })

    const json = join(dir, 'again.json')
    const exported = await runCli(['--db', db, 'export', '1', '--out', json])
    expect(exported.code).toBe(0)
    const again = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>[]
    expect(again).toHaveLength(6)
    expect(again.find((row) => row.url === `${server.baseUrl}/gzip`)).toMatchObject({
      title: 'Gzipped',
      status: 200,
      truncated: false,
    })
  })

  it('reads the list from standard input with -', async () => {
    const dir = workspace()
    const out = join(dir, 'results.json')
    const r = await runCli(
      ['--db', join(dir, 'h.sqlite'), 'urls', '-', '--json', '--workers', '1', '--out', out],
      `${server.baseUrl}/page\n${server.baseUrl}/a\n`,
    )
    expect(r.code).toBe(0)
    const events = r.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; state?: string; rows?: number })
    expect(events.find((e) => e.event === 'end')?.state).toBe('completed')
    expect(events.find((e) => e.event === 'export')?.rows).toBe(2)
  })

  it('refuses bad input with exit code 2 and one clear line', async () => {
    const dir = workspace()
    const db = join(dir, 'h.sqlite')
    const missing = await runCli(['--db', db, 'urls', join(dir, 'nope.txt')])
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/The URL list .*nope\.txt does not exist\./)
    expect((await runCli(['--db', db, 'urls', '-', '--concurrency', '0'])).code).toBe(2)
    expect((await runCli(['--db', db, 'urls', '-', '--out', join(dir, 'results.xlsx')])).err).toMatch(/\.csv or \.json/)
    expect((await runCli(['--db', db, 'export', '42', '--out', join(dir, 'x.csv')])).err).toMatch(
      /There is no job 42\./,
    )
  })
})
