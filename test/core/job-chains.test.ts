import Database from 'better-sqlite3'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../src/core/farm'
import { startUrlFixtureServer } from '../fixtures/url-fixture-server'
import { openTestFarm, tempDir } from '../support/test-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function farmHere(autoStart = true): { farm: Farm; dir: string; dbPath: string } {
  const dir = tempDir('task-farm-chains-')
  const { farm, dbPath } = openTestFarm({ autoStart }, dir)
  cleanups.push(() => dir.remove())
  cleanups.push(() => farm.shutdown('now'))
  return { farm, dir: dir.path, dbPath }
}

const keys = (farm: Farm, jobId: number): string[] =>
  farm.store.items(jobId, { limit: 100, offset: 0 }).items.map((i) => i.key)

const command = (script: string, values: string[], extra: object = {}) => ({
  kind: 'command',
  command: ['sh', '-c', script, 'sh'],
  input: { type: 'list', values },
  jobs: 2,
  ...extra,
})

describe('jobs that follow jobs', () => {
  it('a follower waits, says what for, and starts by itself when its job has ended', async () => {
    const { farm } = farmHere()
    farm.pausePool('cpu')
    const a = await farm.create(command('exit 0', ['1', '2']))
    const b = await farm.create(command('exit 0', ['x']), { after: [{ jobId: a, ok: false }] })
    expect(farm.summary(b).state).toBe('waiting')
    expect(farm.summary(b).after).toEqual([{ jobId: a, ok: false, state: expect.any(String) }])
    expect(farm.detail(a).followers).toEqual([{ jobId: b, ok: false, state: 'waiting' }])
    expect(farm.detail(b).timeline.map((t) => t.state)).toEqual(['queued', 'waiting'])
    farm.resumePool('cpu')
    expect((await farm.waitForEnd(b)).state).toBe('completed')
    expect(farm.summary(a).state).toBe('completed')
    expect(farm.detail(b).timeline.map((t) => t.state)).toContain('queued')
  }, 60_000)

  it('a follower released after its deadline has passed ends timed out before any of its units runs', async () => {
    const { farm, dir } = farmHere()
    const a = await farm.create(command('sleep 1.5', ['1']))
    const b = await farm.create(command(`touch "${dir}/ran-$1"`, ['x', 'y'], { deadlineS: 1 }), {
      after: [{ jobId: a, ok: false }],
    })
    const end = await farm.waitForEnd(b)
    expect(end.state).toBe('timed-out')
    expect(end.error).toBe('the job passed its deadline of 1 s; resume runs the rest')
    expect(readdirSync(dir).filter((name) => name.startsWith('ran-'))).toEqual([])
    expect(farm.detail(b).timeline.map((t) => t.state)).toEqual(['queued', 'waiting', 'queued', 'running', 'timed-out'])
  }, 60_000)

  it('--after-ok of a job with errors leaves the follower skipped, with the reason; --after still runs', async () => {
    const { farm } = farmHere()
    const a = await farm.create(command('exit "$1"', ['0', '3']))
    const ok = await farm.create(command('exit 0', ['x']), { after: [{ jobId: a, ok: true }] })
    const any = await farm.create(command('exit 0', ['y']), { after: [{ jobId: a, ok: false }] })
    const skipped = await farm.waitForEnd(ok)
    expect(skipped.state).toBe('skipped')
    expect(skipped.error).toBe(
      `job ${a} ended completed-with-errors (1 of 2 items failed), and this job was to run only if it completed without errors`,
    )
    expect(skipped.itemsTotal).toBe(0)
    expect((await farm.waitForEnd(any)).state).toBe('completed')
    // A follower of a skipped job with --after-ok is skipped in turn.
    const next = await farm.create(command('exit 0', ['z']), { after: [{ jobId: ok, ok: true }] })
    expect(farm.summary(next)).toMatchObject({
      state: 'skipped',
      error: expect.stringMatching(/^job \d+ ended skipped/),
    })
  }, 60_000)

  it('refuses unknown jobs and cycles in one sentence, and a job others wait for cannot be removed', async () => {
    const { farm } = farmHere()
    farm.pausePool('cpu')
    await expect(farm.create(command('true', ['1']), { after: [{ jobId: 99, ok: false }] })).rejects.toThrow(
      /^There is no job 99 to wait for\.$/,
    )
    const a = await farm.create(command('true', ['1']))
    const b = await farm.create(command('true', ['1']), { after: [{ jobId: a, ok: false }] })
    const c = await farm.create(command('true', ['1']), { after: [{ jobId: b, ok: true }] })
    expect(() => farm.follow(b, [{ jobId: c, ok: false }])).toThrow(
      new RegExp(`^Job ${b} cannot wait for ${c}: that job already waits for job ${b}\\.$`),
    )
    expect(() => farm.follow(b, [{ jobId: b, ok: false }])).toThrow(`Job ${b} cannot wait for itself.`)
    expect(farm.summary(b).after).toEqual([{ jobId: a, ok: false, state: expect.any(String) }])
    expect(() => farm.remove(b)).toThrow(`Job ${b} is awaited by job ${c}: cancel or remove it first.`)
    // A cancelled waiting job has ended: one that follows it with --after-ok is skipped.
    farm.cancel(b)
    expect(farm.summary(b).state).toBe('cancelled')
    expect(farm.summary(c).state).toBe('skipped')
  }, 60_000)

  it('keeps its links in the history: a farm opened later starts followers of jobs that ended meanwhile', async () => {
    const dir = tempDir('task-farm-chains-')
    cleanups.push(() => dir.remove())
    const first = openTestFarm({ autoStart: true }, dir)
    first.farm.pausePool('cpu')
    const a = await first.farm.create(command('true', ['1']))
    const b = await first.farm.create(command('true', ['1']), { after: [{ jobId: a, ok: true }] })
    await first.farm.shutdown()
    // The job it follows ends in a farm that runs only its own jobs (a CLI's): the follower waits on.
    const cli = openTestFarm({}, dir)
    cli.farm.resume(a)
    expect((await cli.farm.waitForEnd(a)).state).toBe('completed')
    expect(cli.farm.summary(b).state).toBe('waiting')
    await cli.farm.shutdown()
    const owner = openTestFarm({ autoStart: true }, dir)
    cleanups.push(() => owner.farm.shutdown('now'))
    expect((await owner.farm.waitForEnd(b)).state).toBe('completed')
  }, 60_000)
})

describe('a chain and a cancel the farm died in', () => {
  it('a farm that opens on a job killed mid-cancel finishes the cancel; the job is not resumed, and its follower goes on', async () => {
    const dir = tempDir('task-farm-chains-')
    cleanups.push(() => dir.remove())
    const first = openTestFarm({ autoStart: true }, dir)
    first.farm.pausePool('cpu')
    const a = await first.farm.create(command('true', ['1']))
    const b = await first.farm.create(command('true', ['1']), { after: [{ jobId: a, ok: false }] })
    await first.farm.shutdown()
    // What a farm killed -9 between accepting a cancel and finishing it leaves: running, a cancel owed.
    const db = new Database(first.dbPath)
    db.prepare("UPDATE jobs SET state = 'running', started_at = ?, cancel_asked_at = ? WHERE id = ?").run(
      Date.now(),
      Date.now(),
      a,
    )
    db.close()
    // It used to try to resume the job others wait for, which the cancel refused: the farm did not open.
    const owner = openTestFarm({ autoStart: true }, dir)
    cleanups.push(() => owner.farm.shutdown('now'))
    owner.farm.resumePool('cpu')
    expect((await owner.farm.waitForEnd(a)).state).toBe('cancelled')
    expect((await owner.farm.waitForEnd(b)).state).toBe('completed')
  }, 60_000)
})

describe('inputs from an earlier job', () => {
  it('run --from takes the keys of the done, failed or all units, filtered by text, read when the job starts', async () => {
    const { farm, dir } = farmHere()
    const log = join(dir, 'runs.txt')
    writeFileSync(log, '')
    farm.pausePool('cpu')
    const a = await farm.create(command('test "$1" != bad-2', ['ok-1', 'bad-2', 'ok-3']))
    const from = (state: string, where?: string) =>
      farm.create(command(`echo "$1" >> ${log}`, [], { input: { type: 'job', jobId: a, state, where } }), {
        after: [{ jobId: a, ok: false }],
      })
    const done = await from('done')
    const failed = await from('failed')
    const matching = await from('all', '-3')
    farm.resumePool('cpu')
    for (const id of [done, failed, matching]) expect((await farm.waitForEnd(id)).state).toBe('completed')
    expect(farm.summary(done).itemsTotal).toBe(2)
    expect(keys(farm, failed)).toEqual(['bad-2'])
    expect(keys(farm, matching)).toEqual(['ok-3'])
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['bad-2', 'ok-1', 'ok-3', 'ok-3'])
  }, 60_000)

  it("a copy's units give the destination paths of the files it copied", async () => {
    const { farm, dir } = farmHere()
    const src = join(dir, 'photos')
    mkdirSync(join(src, 'sub'), { recursive: true })
    writeFileSync(join(src, 'a.jpg'), 'a')
    writeFileSync(join(src, 'sub', 'b.jpg'), 'b')
    const copy = await farm.create({ kind: 'copy', sources: [src], destination: join(dir, 'out') })
    const run = await farm.create(command('test -f "$1"', [], { input: { type: 'job', jobId: copy, state: 'all' } }), {
      after: [{ jobId: copy, ok: true }],
    })
    expect((await farm.waitForEnd(run)).state).toBe('completed')
    expect(keys(farm, run)).toEqual([join(dir, 'out', 'photos', 'a.jpg'), join(dir, 'out', 'photos', 'sub', 'b.jpg')])
  }, 60_000)

  it('a URL that answered with an error counts as failed: urls --from --state failed re-checks it', async () => {
    const { farm } = farmHere()
    const fixture = await startUrlFixtureServer()
    cleanups.push(() => fixture.close())
    const text = [`${fixture.baseUrl}/a`, `${fixture.baseUrl}/no-headers`].join('\n')
    const first = await farm.create({ kind: 'urls', input: { type: 'text', text }, timeoutMs: 500, retries: 0 })
    const again = await farm.create(
      { kind: 'urls', input: { type: 'job', jobId: first, state: 'failed' }, timeoutMs: 600, retries: 0 },
      { after: [{ jobId: first, ok: false }] },
    )
    expect((await farm.waitForEnd(again)).state).toBe('completed')
    expect(keys(farm, again)).toEqual([`${fixture.baseUrl}/no-headers`])
  }, 60_000)

  it('refuses a job to take inputs from that is not in the history', async () => {
    const { farm } = farmHere()
    await expect(farm.create(command('true', [], { input: { type: 'job', jobId: 42, state: 'all' } }))).rejects.toThrow(
      /^There is no job 42 to take inputs from\.$/,
    )
  })
})
