import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiHandlers } from '../../src/core/api-handlers'
import type { Farm } from '../../src/core/farm'
import type { UnitFilter } from '../../src/shared/unit-search'
import { startUrlFixtureServer, type UrlFixtureServer } from '../fixtures/url-fixture-server'
import { openTestFarm, type tempDir } from '../support/test-farm'

let server: UrlFixtureServer
let farm: Farm
let dir: ReturnType<typeof tempDir>
const timeouts: string[] = []

/** A URL job over `urls` with a short budget and no retries; resolves when it has ended. */
async function urlJob(urls: string[], timeoutMs: number): Promise<number> {
  const jobId = await farm.create({
    kind: 'urls',
    input: { type: 'text', text: urls.join('\n') },
    timeoutMs,
    retries: 0,
  })
  await farm.waitForEnd(jobId)
  return jobId
}

beforeAll(async () => {
  server = await startUrlFixtureServer()
  ;({ farm, dir } = openTestFarm())
  // Three jobs whose slow pages time out under 2 s; a fourth, with 30 s, times nothing out.
  for (let j = 1; j <= 3; j++) {
    const slow = [1, 2].map((n) => `${server.baseUrl}/slow?ms=4000&job=${j}&n=${n}`)
    timeouts.push(...slow)
    await urlJob([`${server.baseUrl}/page`, ...slow, `${server.baseUrl}/404`], 2000)
  }
  await urlJob([`${server.baseUrl}/slow?ms=300&job=4`, `${server.baseUrl}/a`], 30_000)
}, 120_000)

afterAll(async () => {
  await farm?.shutdown('now')
  await server?.close()
  dir?.remove()
})

const timedOut: UnitFilter = { kinds: ['urls'], errors: ['timeout'] }

describe('acting on the units a search found', () => {
  it('finds every URL unit that timed out, across the three jobs', async () => {
    const api = createApiHandlers(farm)
    const page = await api.handle('units.search', { filter: timedOut, order: 'oldest' }, 'local')
    expect(page.units.map((u) => [u.jobId, u.key])).toEqual(timeouts.map((url, n) => [1 + Math.floor(n / 2), url]))
    expect(page.next).toBeNull()
  })

  it('retries exactly those units in a new job with a 30 s timeout, and records them', async () => {
    const api = createApiHandlers(farm)
    const { jobId, units, sourceJobs } = await api.handle(
      'units.retry',
      { filter: timedOut, settings: { timeoutS: 30, concurrency: 4 } },
      'page',
    )
    expect({ units, sourceJobs }).toEqual({ units: 6, sourceJobs: [1, 2, 3] })
    const ended = await farm.waitForEnd(jobId)
    expect(ended.state).toBe('completed')
    const detail = farm.detail(jobId)
    expect(detail.spec).toMatchObject({ kind: 'urls', timeoutMs: 30_000, concurrency: 4, retries: 0 })
    // The new job's units are exactly the timed-out ones, each fetched once more and answered.
    const found = await api.handle('units.search', { filter: { jobIds: [jobId] }, order: 'oldest' }, 'page')
    expect(found.units.map((u) => u.key)).toEqual(timeouts)
    expect(found.units.map((u) => (u.result as { status: number }).status)).toEqual(timeouts.map(() => 200))
    for (const url of timeouts) expect(server.hits(url.slice(server.baseUrl.length))).toBe(2)
    const logs = farm.store.logs({ jobId, afterId: 0, minLevel: 'info', limit: 100 })
    expect(logs.map((l) => l.message)).toContain('retries 6 units found in jobs 1, 2, 3')
    // The history now answers the same search with nothing left to retry in the new job.
    const again = await api.handle('units.search', { filter: { ...timedOut, jobIds: [jobId] } }, 'page')
    expect(again.units).toEqual([])
  }, 120_000)

  it('exports the found units (CSV, local door only) and gives their keys for a new job', async () => {
    const api = createApiHandlers(farm)
    const path = join(dir.path, 'timeouts.csv')
    await expect(api.handle('units.export', { filter: timedOut, format: 'csv', path }, 'page')).rejects.toThrow(
      /cannot choose where the farm writes/,
    )
    const written = await api.handle('units.export', { filter: timedOut, format: 'csv', path }, 'local')
    expect(written.rows).toBe(6)
    const lines = readFileSync(path, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('job,kind,key,state,attempts,error,code,result')
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(timeouts)
    // A second export to the same name needs the user's word, said without a "job 0" that never was.
    await expect(api.handle('units.export', { filter: timedOut, format: 'csv', path }, 'local')).rejects.toThrow(
      `${path} already exists and would be replaced: choose another name, or allow replacing it (--force).`,
    )
    const { keys } = await api.handle('units.keys', { filter: { ...timedOut, jobIds: [1] } }, 'page')
    expect(keys).toEqual(timeouts.slice(0, 2))
  })

  it('refuses what it cannot retry, in one sentence', async () => {
    const api = createApiHandlers(farm)
    await expect(api.handle('units.retry', { filter: { errors: ['no-such-code'] } }, 'page')).rejects.toThrow(
      'No unit matches this filter.',
    )
    await expect(
      api.handle('units.retry', { filter: timedOut, settings: { retries: 99 } }, 'page'),
    ).rejects.toMatchObject({ code: 'invalid-request' })
  })
})
