import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { JobStore } from '../../src/core/store/job-store'
import { openDatabase } from '../../src/core/store/open-database'
import { tempDir, until } from '../support/test-farm'
import { cli, startCli, startServe, type Served } from './served-farm'

const dirs: ReturnType<typeof tempDir>[] = []
const farms: Served[] = []
afterEach(async () => {
  for (const farm of farms.splice(0)) await farm.killAll()
  dirs.splice(0).forEach((d) => d.remove())
})

function workspace(): { dir: string; db: string } {
  const dir = tempDir('tf-output-again-')
  dirs.push(dir)
  return { dir: dir.path, db: join(dir.path, 'history.sqlite') }
}

function doneInputs(db: string, jobId: number): string[] {
  const store = new JobStore(openDatabase(db, { readonly: true }))
  try {
    return store
      .items(jobId, { limit: 1000, offset: 0 })
      .items.filter((row) => row.state === 'done')
      .map((row) => row.key)
  } finally {
    store.db.close()
  }
}

const numbers = Array.from({ length: 9 }, (_, i) => String(i + 1))
const sorted = (text: string): string[] => text.trim().split('\n').filter(Boolean).sort()

// POSIX: the commands are sh scripts.
describe.skipIf(process.platform === 'win32')('what resume and retry print of run and map jobs', () => {
  it('retry of a run: the output of the commands run again alone, the end line on standard error', async () => {
    const { dir, db } = workspace()
    // Every third input fails until its file exists.
    const script = `echo out-$1; [ -e "${dir}/ok-$1" ] || [ $(( $1 % 3 )) -ne 0 ]`
    const first = await cli(db, ['run', '--', 'sh', '-c', script, '_', ':::', ...numbers])
    expect([first.code, sorted(first.out)]).toEqual([1, numbers.map((n) => `out-${n}`).sort()])
    for (const n of ['3', '6', '9']) writeFileSync(join(dir, `ok-${n}`), '')
    const retried = await cli(db, ['retry', '1'])
    expect([retried.code, sorted(retried.out)]).toEqual([0, ['out-3', 'out-6', 'out-9']])
    expect(retried.err).toMatch(/^Completed job 1: 9 of 9 items done/m)
  }, 60_000)

  it('resume of a run: the output of what had not run, as a client of a serving farm too', async () => {
    const { dir, db } = workspace()
    for (const [jobId, serving] of [
      [1, false],
      [2, true],
    ] as const) {
      const first = await cli(db, [
        'run',
        '--jobs',
        '1',
        '--deadline',
        '1',
        '--',
        'sh',
        '-c',
        'sleep 0.3; echo out-$1',
        '_',
        ':::',
        ...numbers,
      ])
      expect(first.err).toMatch(new RegExp(`Job ${jobId} timed out`))
      const before = doneInputs(db, jobId)
      if (serving) farms.push(await startServe(db, dir))
      const resumed = await cli(db, ['resume', String(jobId)])
      expect(resumed.code).toBe(0)
      // What ran before printed then (the first run's output), not again.
      expect(sorted(resumed.out)).toEqual(
        numbers
          .filter((n) => !before.includes(n))
          .map((n) => `out-${n}`)
          .sort(),
      )
      expect(resumed.err).toMatch(new RegExp(`^Completed job ${jobId}: 9 of 9 items done`, 'm'))
    }
  }, 120_000)

  it('retry of a map: its whole list of results, in input order', async () => {
    const { dir, db } = workspace()
    const module = join(dir, 'picky.mjs')
    const fixed = join(dir, 'fixed')
    writeFileSync(
      module,
      `import { existsSync } from 'node:fs'\nexport default (n) => { if (n % 4 === 0 && !existsSync(${JSON.stringify(fixed)})) throw new Error('not yet'); return n * n }\n`,
    )
    const first = await cli(db, ['map', module, ':::', ...numbers])
    expect([first.code, first.out.trim().split('\n')]).toEqual([1, ['1', '4', '9', '25', '36', '49', '81']])
    writeFileSync(fixed, '')
    const retried = await cli(db, ['retry', '1'])
    expect([retried.code, retried.out.trim().split('\n')]).toEqual([0, numbers.map((n) => String(Number(n) ** 2))])
    expect(retried.err).toMatch(/^Completed job 1: 9 of 9 items done/m)
  }, 60_000)

  it('an interrupted map prints the results before its first unfinished input; resumed, its whole list', async () => {
    const { dir, db } = workspace()
    const module = join(dir, 'held.mjs')
    const hold = join(dir, 'hold')
    writeFileSync(hold, '')
    // Input 2 waits until the run is stopped while the file is there; the others answer at once.
    writeFileSync(
      module,
      `import { existsSync } from 'node:fs'
export default (n, { signal }) =>
  n === 2 && existsSync(${JSON.stringify(hold)})
    ? new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped'))))
    : n * n
`,
    )
    const run = startCli(db, ['map', module, '--concurrency', '3', ':::', ...numbers])
    try {
      // The history exists once the command has made it.
      const doneSoFar = (): number => {
        try {
          return doneInputs(db, 1).length
        } catch {
          return 0
        }
      }
      await until(() => doneSoFar() === 8, 'every input but the held one to be done')
      run.kill('SIGINT')
      const first = await run.result
      expect(first.code).toBe(130)
      // Not 1, 9, 16, …: those lines would no longer say which input they belong to.
      expect(first.out).toBe('1\n')
    } finally {
      run.kill('SIGKILL')
    }
    rmSync(hold)
    const resumed = await cli(db, ['resume', '1'])
    expect([resumed.code, resumed.out.trim().split('\n')]).toEqual([0, numbers.map((n) => String(Number(n) ** 2))])
  }, 60_000)
})
