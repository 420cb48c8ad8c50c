import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseWhere } from '../../src/shared/unit-filter-text'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import { cliEntry, tempDir } from '../support/test-farm'

let server: UrlFixtureServer
const dir = tempDir('tf-units-cli-')
const db = join(dir.path, 'history.sqlite')
const slow: string[] = []

/** The CLI runs while this process serves the fixture pages, so it must not be a blocking spawn. */
function cli(args: string[], stdin = ''): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliEntry, '--db', db, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (err += chunk))
    child.stdin.end(stdin)
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

beforeAll(async () => {
  server = await startUrlFixtureServer()
  // Two URL jobs whose slow pages time out under 1.5 s.
  for (let job = 1; job <= 2; job++) {
    const urls = [1, 2].map((n) => `${server.baseUrl}/slow?ms=4000&job=${job}&n=${n}`)
    slow.push(...urls)
    const run = await cli(
      ['urls', '-', '--retries', '0', '--timeout-ms', '1500', '--workers', '1'],
      [`${server.baseUrl}/page`, ...urls].join('\n'),
    )
    expect(run.code, run.err).toBe(0) // a URL that timed out is a row with an error class, not a failure
  }
}, 120_000)

afterAll(async () => {
  await server?.close()
  dir.remove()
})

describe('task-farm units', () => {
  it('reads a filter as people write it, and refuses one it cannot read in one sentence', async () => {
    expect(parseWhere('kind=urls,command state=failed job=3,4 text="two words" since=2h', 1_000_000_000)).toEqual({
      kinds: ['urls', 'command'],
      states: ['failed'],
      jobIds: [3, 4],
      text: 'two words',
      since: 1_000_000_000 - 7_200_000,
    })
    const bad = await cli(['units', '--where', 'colour=red'])
    expect(bad.code).toBe(2)
    expect(bad.err.trim()).toBe(
      'task-farm: "colour" is not a unit filter: use kind, state, error, text, host, worker, job, since, until.',
    )
    const badState = await cli(['units', '--state', 'lost'])
    expect(badState.code).toBe(2)
    expect(badState.err).not.toMatch(/\n\s+at /)
  })

  it('finds the timed-out URLs of both jobs, a keyset page at a time', async () => {
    const all = await cli(['units', '--kind', 'urls', '--error', 'timeout', '--oldest', '--json'])
    expect(all.code, all.err).toBe(0)
    const page = JSON.parse(all.out) as { units: { jobId: number; key: string }[]; next: number | null }
    expect(page.units.map((u) => [u.jobId, u.key])).toEqual(slow.map((url, n) => [1 + Math.floor(n / 2), url]))
    const first = await cli(['units', '--where', 'kind=urls error=timeout', '--limit', '3'])
    expect(first.out).toContain(slow[3])
    const cursor = /More: --after (\d+)/.exec(first.out)?.[1]
    expect(cursor).toBeDefined()
    const second = await cli(['units', '--where', 'kind=urls error=timeout', '--limit', '3', '--after', cursor!])
    expect(second.out.trim().split('\n').slice(1)).toHaveLength(1)
    expect(second.out).toContain(slow[0])
    const keys = await cli(['units', '--error', 'timeout', '--job', '2', '--keys'])
    expect(keys.out.trim().split('\n')).toEqual(slow.slice(2))
    const file = join(dir.path, 'timeouts.json')
    const exported = await cli(['units', '--error', 'timeout', '--export', file])
    expect(exported.out.trim()).toBe(`Wrote 4 units to ${file}`)
    expect((JSON.parse(readFileSync(file, 'utf8')) as unknown[]).length).toBe(4)
  })

  it('retries exactly the timed-out units in a new job with a 30 s timeout', async () => {
    const run = await cli(['units', '--error', 'timeout', '--retry', '--timeout', '30', '--concurrency', '4'])
    expect(run.code, run.err).toBe(0)
    expect(run.out).toContain('Retrying 4 units from jobs 1, 2.')
    const found = await cli(['units', '--job', '3', '--oldest', '--json'])
    const units = (JSON.parse(found.out) as { units: { key: string; state: string; result: { status: number } }[] })
      .units
    expect(units.map((u) => [u.key, u.state, u.result.status])).toEqual(slow.map((url) => [url, 'done', 200]))
    const logs = await cli(['logs', '3'])
    expect(logs.out).toContain('retries 4 units found in jobs 1, 2')
    const show = await cli(['show', '3', '--json'])
    expect((JSON.parse(show.out) as { spec: { timeoutMs: number } }).spec.timeoutMs).toBe(30_000)
  }, 120_000)

  it('a retry killed with -9 mid-run is a job like others: resume finishes exactly its units', async () => {
    const child = spawn(
      process.execPath,
      [cliEntry, '--db', db, 'units', '--error', 'timeout', '--job', '1', '--retry', '--timeout', '30'],
      {
        stdio: 'ignore',
      },
    )
    const running = (): boolean => {
      const history = new Database(db, { readonly: true })
      try {
        return (
          (history.prepare('SELECT state FROM jobs WHERE id = 4').pluck().get() as string | undefined) === 'running'
        )
      } finally {
        history.close()
      }
    }
    for (let waited = 0; !running(); waited += 50) {
      if (waited > 60_000) throw new Error('the retry never ran')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const gone = new Promise((resolve) => child.on('exit', resolve))
    child.kill('SIGKILL')
    await gone
    const resumed = await cli(['resume', '4'])
    expect(resumed.code, resumed.err).toBe(0)
    const found = await cli(['units', '--job', '4', '--oldest', '--json'])
    const units = (JSON.parse(found.out) as { units: { key: string; state: string }[] }).units
    expect(units.map((u) => [u.key, u.state])).toEqual(slow.slice(0, 2).map((url) => [url, 'done']))
  }, 120_000)
})
