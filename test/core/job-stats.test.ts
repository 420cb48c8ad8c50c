import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JobStatsQueries } from '../../src/core/store/job-stats'
import { migrate } from '../../src/core/store/migrations'
import { itemGroup, responseTimeBucket } from '../../src/shared/job-stats'

let db: Database.Database
beforeEach(() => {
  db = new Database(':memory:')
  migrate(db)
})
afterEach(() => db.close())

function addJob(
  kind: string,
  state: string,
  createdAt: number,
  extra: { facts?: object; done?: number; bytes?: number } = {},
) {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO jobs (kind, title, spec, state, pool, created_at, items_done, bytes_done, facts)
       VALUES (?, 't', '{}', ?, 'cpu', ?, ?, ?, ?)`,
    )
    .run(kind, state, createdAt, extra.done ?? 0, extra.bytes ?? 0, JSON.stringify(extra.facts ?? {}))
  return Number(lastInsertRowid)
}
/** One unit in an item of its own, stored as the farm stores it: a mark, a result, a failure's code. */
function addItem(jobId: number, state: string, result: unknown) {
  const mark = state === 'done' ? 'd' : state === 'failed' ? 'f' : '-'
  const code = state === 'failed' ? (result as { code?: string } | null)?.code : undefined
  const results = result === null || code ? null : JSON.stringify([result])
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO items (job_id, units, count, size, marks, state, results) VALUES (?, '[["k",0,{}]]', 1, 0, ?, ?, ?)`,
    )
    .run(jobId, mark, state === 'pending' ? 'pending' : 'settled', results)
  if (code) {
    db.prepare(`INSERT INTO unit_outcomes (item_id, unit, attempts, error, code) VALUES (?, 0, 1, 'it failed', ?)`).run(
      lastInsertRowid,
      code,
    )
  }
}

describe('the chart aggregates of the history', () => {
  // Rows of every shape each kind writes, so the SQL groups and the window's filter cannot drift apart.
  const urlRows = [
    { state: 'done', result: { status: 200, totalMs: 30, errorClass: null } },
    { state: 'done', result: { status: 204, totalMs: 75, errorClass: 'not-html' } },
    { state: 'done', result: { status: 301, totalMs: 120, errorClass: 'too-many-redirects' } },
    { state: 'done', result: { status: 404, totalMs: 700, errorClass: 'http-error' } },
    { state: 'done', result: { status: 503, totalMs: 9000, errorClass: 'http-error' } },
    { state: 'done', result: { status: 101, totalMs: 10, errorClass: null } },
    { state: 'done', result: { status: null, totalMs: 3000, errorClass: 'timeout' } },
    { state: 'done', result: { status: null, totalMs: 5, errorClass: 'dns' } },
    { state: 'failed', result: { code: 'crash' } },
    { state: 'pending', result: null },
  ]
  const copyRows = [
    { state: 'done', result: null },
    { state: 'done', result: { outcome: 'copied', xxh128: 'ab' } },
    { state: 'done', result: { outcome: 'copied', renamedTo: 'a (2).txt' } },
    { state: 'failed', result: null },
    { state: 'pending', result: null },
  ]

  it.each([
    ['urls', urlRows],
    ['copy', copyRows],
    [
      'probe',
      [
        { state: 'done', result: { n: 1 } },
        { state: 'failed', result: null },
      ],
    ],
  ])('groups %s items as the window does', (kind, rows) => {
    const jobId = addJob(kind, 'completed', Date.now())
    for (const row of rows) addItem(jobId, row.state, row.result)
    const expected = new Map<string, number>()
    for (const row of rows) expected.set(itemGroup(kind, row), (expected.get(itemGroup(kind, row)) ?? 0) + 1)
    const stats = new JobStatsQueries(db).job(jobId)!
    expect(new Map(stats.breakdown.map((s) => [s.group, s.count]))).toEqual(expected)
  })

  it('counts response times per bucket and files the plan skipped', () => {
    const urls = addJob('urls', 'completed', Date.now())
    for (const row of urlRows) addItem(urls, row.state, row.result)
    const { responseTimes } = new JobStatsQueries(db).job(urls)!
    const expected = new Array<number>(responseTimes.length).fill(0)
    for (const row of urlRows.filter((r) => r.state === 'done')) expected[responseTimeBucket(row.result!.totalMs!)]!++
    expect(responseTimes).toEqual(expected)

    const copy = addJob('copy', 'completed', Date.now(), { facts: { skipped: 7 } })
    addItem(copy, 'done', null)
    expect(new JobStatsQueries(db).job(copy)!.breakdown).toEqual([
      { group: 'copied', count: 1, rows: true },
      { group: 'skipped', count: 7, rows: false },
    ])
    expect(new JobStatsQueries(db).job(999)).toBeUndefined()
  })

  it("reads when a job ran from its timeline, and what it did, for an ended job's throughput", () => {
    const jobId = addJob('copy', 'completed', 1000, { done: 30, bytes: 3000 })
    db.prepare('UPDATE jobs SET items_failed = 2 WHERE id = ?').run(jobId)
    const timeline = db.prepare('INSERT INTO job_timeline (job_id, at, state) VALUES (?, ?, ?)')
    for (const [at, state] of [
      [1000, 'queued'],
      [1100, 'running'],
      [2100, 'paused'],
      [5000, 'running'],
      [5000, 'running'], // said twice: one span
      [6000, 'completed'],
    ] as const)
      timeline.run(jobId, at, state)
    expect(new JobStatsQueries(db).job(jobId)!.ran).toEqual({
      spans: [
        { from: 1100, to: 2100 },
        { from: 5000, to: 6000 },
      ],
      items: 32,
      bytes: 3000,
    })
    const running = addJob('probe', 'running', 1000)
    timeline.run(running, 1200, 'running')
    expect(new JobStatsQueries(db).job(running)!.ran.spans).toEqual([{ from: 1200, to: null }])
  })

  it('counts jobs per day by state, every day of the range, and totals', () => {
    const now = new Date(2026, 10, 20, 15, 0).getTime()
    const day = 86_400_000
    addJob('copy', 'completed', now - 2 * day, { done: 10, bytes: 1000 })
    addJob('copy', 'failed', now - 2 * day, { done: 2, bytes: 20 })
    addJob('urls', 'completed', now, { done: 5 })
    addJob('urls', 'completed', now - 40 * day, { done: 1 })
    const stats = new JobStatsQueries(db).history(3, now)
    expect(stats.days.map((d) => d.day)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20'])
    expect(stats.days[0]!.counts).toMatchObject({ completed: 1, failed: 1, running: 0 })
    expect(stats.days[2]!.counts.completed).toBe(1)
    expect(stats.totals).toEqual({ jobs: 4, filesCopied: 12, bytesCopied: 1020, urlsAnalysed: 6 })
  })
})
