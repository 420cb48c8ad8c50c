import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir, until } from '../support/test-farm'
import { cli, startServe, type Served } from './served-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function serve(db: string, dir: string): Promise<Served> {
  return startServe(db, dir).then((served) => (cleanups.push(() => served.stop('SIGKILL')), served))
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean)

/** Runs a script per input that records `<step> <input>` when it ends; inputs named slow-* take 3 s. */
const step = (name: string, runs: string): string[] => [
  'sh',
  '-c',
  `case "$1" in *slow*) sleep 3 ;; *) sleep 0.3 ;; esac; echo "${name} $1" >> ${runs}`,
  'sh',
  '{}',
]

describe('a chain of jobs set up before its first step runs', () => {
  it('copy, then run over the copied files, then re-run the failures with a longer timeout: each unit done once across kill -9 of the farm', async () => {
    const dir = tempDir('task-farm-chain-')
    cleanups.push(() => dir.remove())
    const db = join(dir.path, 'history.sqlite')
    const src = join(dir.path, 'photos')
    mkdirSync(src)
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'slow-1', 'slow-2'].map((n) => `${n}.jpg`)
    for (const name of names) writeFileSync(join(src, name), name)
    const runs = join(dir.path, 'runs.txt')
    writeFileSync(runs, '')
    const served = await serve(db, dir.path)
    // The copy cannot start until the disk pool is resumed: the whole chain is set up before it runs.
    expect((await cli(db, ['pools', 'pause', 'disk'])).code).toBe(0)
    const id = async (args: string[]): Promise<string> => {
      const made = await cli(db, [args[0]!, '--detach', ...args.slice(1)])
      expect(made.code, made.err).toBe(0)
      return made.out.trim()
    }
    const a = await id(['copy', src, join(dir.path, 'out')])
    const b = await id(['run', '--after-ok', a, '--from', a, '--jobs', '2', '--timeout', '1', '--', ...step('B', runs)])
    const c = await id([
      'run',
      '--after',
      b,
      '--from',
      b,
      '--state',
      'failed',
      '--timeout',
      '30',
      '--',
      ...step('C', runs),
    ])
    const d = await id(['probe', '--count', '1', '--after-ok', b])
    const shown = await cli(db, ['show', b])
    expect(shown.out).toMatch(new RegExp(`Waiting:  waiting for job ${a} \\(\\w+\\) to complete without errors`))
    expect((await cli(db, ['show', a])).out).toContain(`Then:     job ${b} (waiting, after-ok)`)
    expect((await cli(db, ['jobs'])).out).toContain(`Job ${c} waiting for job ${b} (waiting) to end`)
    // A cycle is refused in one sentence, and so is a job that is not there.
    const cycle = await cli(db, ['follow', b, '--after', c])
    expect([cycle.code, cycle.err.trim()]).toEqual([
      2,
      `task-farm: Job ${b} cannot wait for ${c}: that job already waits for job ${b}.`,
    ])
    const unknown = await cli(db, ['run', '--after', '999', '--detach', '--', 'true', ':::', 'x'])
    expect([unknown.code, unknown.err.trim()]).toEqual([2, 'task-farm: There is no job 999 to wait for.'])

    expect((await cli(db, ['pools', 'resume', 'disk'])).code).toBe(0)
    // Mid-way through the second step (between two of its runs), the farm is killed -9 and served again.
    await until(() => lines(runs).length >= 3, 'the second step to be under way', 60_000)
    const seen = lines(runs).length
    await until(() => lines(runs).length > seen, 'the next run of the second step', 30_000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await served.stop('SIGKILL')
    await serve(db, dir.path)

    const waited = await cli(db, ['wait', c, '--timeout', '120'], 150_000)
    expect(waited.code, waited.out + waited.err).toBe(0)
    const states = await cli(db, ['jobs', '--json'])
    const byId = new Map(
      (JSON.parse(states.out) as { jobs: { id: number; state: string }[] }).jobs.map((j) => [String(j.id), j]),
    )
    expect([a, b, c, d].map((j) => byId.get(j)!.state)).toEqual([
      'completed',
      'completed-with-errors',
      'completed',
      'skipped',
    ])
    // Every photo's unit ran once: in the second step, or (timed out there) in the third.
    const copied = (name: string): string => join(dir.path, 'out', 'photos', name)
    const expected = names.map((n) => (n.startsWith('slow') ? `C ${copied(n)}` : `B ${copied(n)}`))
    expect(lines(runs).sort()).toEqual(expected.sort())
    // The kill landed in the second step: the farm served again found it interrupted and went on with it.
    expect((await cli(db, ['show', b])).out).toMatch(
      /interrupted[^\n]*\n[^\n]*running {2}resumed: other jobs wait for it/,
    )
    const skipped = await cli(db, ['show', d])
    expect(skipped.out).toContain(`State:    skipped — job ${b} ended completed-with-errors (2 of 10 items failed)`)
  }, 240_000)
})
