import { spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { JobStore } from '../../src/core/store/job-store'
import { openDatabase } from '../../src/core/store/open-database'
import { cliEntry, tempDir, until } from '../support/test-farm'
import { cli, startCli, startServe, type Served } from './served-farm'

const dirs: ReturnType<typeof tempDir>[] = []
const farms: Served[] = []
afterEach(async () => {
  for (const farm of farms.splice(0)) await farm.killAll()
  dirs.splice(0).forEach((d) => d.remove())
})

function workspace(): { dir: string; db: string } {
  const dir = tempDir('tf-output-order-')
  dirs.push(dir)
  return { dir: dir.path, db: join(dir.path, 'history.sqlite') }
}

/** Standard output and error in one pipe, as a terminal shows them: in the order they were written. */
function merged(db: string, args: string[]): Promise<{ code: number | null; text: string }> {
  const child = spawn('sh', ['-c', 'exec "$0" "$@" 2>&1', process.execPath, cliEntry, '--db', db, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let text = ''
  child.stdout.on('data', (chunk: Buffer) => (text += String(chunk)))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, text })))
}

const words = Array.from({ length: 12 }, (_, i) => `word-${i + 1}`)
const numbers = words.map((_, i) => String(i + 1))
const endLine = /^Completed job \d+: 12 of 12 items done/

// POSIX: the merged stream goes through `sh`.
describe.skipIf(process.platform === 'win32')('what run and map print', () => {
  it('run: the commands’ output alone on standard output; the end line on standard error, after all of it', async () => {
    const { dir, db } = workspace()
    // The unit stream shows finished units a few times a second: the last ones came after the end line.
    for (let round = 0; round < 3; round++) {
      const run = await merged(db, ['run', '--jobs', '4', '--', 'echo', ':::', ...words])
      expect(run.code).toBe(0)
      const lines = run.text.trim().split('\n')
      expect(lines.at(-1)).toMatch(endLine)
      expect(lines.slice(0, -1).sort()).toEqual([...words].sort())
    }
    const apart = await cli(db, ['run', '--jobs', '4', '--', 'echo', ':::', ...words])
    expect(apart.out.trim().split('\n').sort()).toEqual([...words].sort())
    expect(apart.err).toMatch(endLine)
    // A client of a farm that serves the history prints the same.
    farms.push(await startServe(db, dir))
    const client = await merged(db, ['run', '--jobs', '4', '--', 'echo', ':::', ...words])
    expect(client.code).toBe(0)
    expect(client.text.trim().split('\n').at(-1)).toMatch(endLine)
    expect(client.text.trim().split('\n').slice(0, -1).sort()).toEqual([...words].sort())
  }, 120_000)

  it('map: the results in input order, one JSON value a line; with --json, unit events then the end event', async () => {
    const { dir, db } = workspace()
    const square = join(dir, 'square.mjs')
    writeFileSync(square, 'export default (n) => (n === 5 ? { five: [n] } : n * n)\n')
    const expected = numbers.map((n) => JSON.stringify(n === '5' ? { five: [5] } : Number(n) ** 2))
    const plain = await cli(db, ['map', square, ':::', ...numbers])
    expect([plain.code, plain.out.trim().split('\n')]).toEqual([0, expected])
    expect(plain.err).toMatch(endLine)
    const together = await merged(db, ['map', square, ':::', ...numbers])
    expect(together.text.trim().split('\n')).toEqual([...expected, expect.stringMatching(endLine)])
    const json = await cli(db, ['map', square, '--json', ':::', ...numbers])
    const events = json.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; result?: unknown })
    expect(events.at(-1)?.event).toBe('end')
    expect(events.filter((e) => e.event === 'unit').map((e) => JSON.stringify(e.result))).toEqual(expected)
  }, 120_000)

  it('map: a failed input has no result line; its error and the end line go to standard error', async () => {
    const { dir, db } = workspace()
    const module = join(dir, 'picky.mjs')
    writeFileSync(module, "export default (n) => { if (n === 2) throw new Error('two is bad'); return n }\n")
    const run = await cli(db, ['map', module, ':::', '1', '2', '3'])
    expect([run.code, run.out]).toEqual([1, '1\n3\n'])
    expect(run.err).toMatch(/two is bad/)
    expect(run.err).toMatch(/completed with errors/)
  }, 60_000)
})

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

const nine = Array.from({ length: 9 }, (_, i) => String(i + 1))
const sorted = (text: string): string[] => text.trim().split('\n').filter(Boolean).sort()

// POSIX: the commands are sh scripts.
describe.skipIf(process.platform === 'win32')('what resume and retry print of run and map jobs', () => {
  it('retry of a run: the output of the commands run again alone, the end line on standard error', async () => {
    const { dir, db } = workspace()
    // Every third input fails until its file exists.
    const script = `echo out-$1; [ -e "${dir}/ok-$1" ] || [ $(( $1 % 3 )) -ne 0 ]`
    const first = await cli(db, ['run', '--', 'sh', '-c', script, '_', ':::', ...nine])
    expect([first.code, sorted(first.out)]).toEqual([1, nine.map((n) => `out-${n}`).sort()])
    for (const n of ['3', '6', '9']) writeFileSync(join(dir, `ok-${n}`), '')
    const retried = await cli(db, ['retry', '1'])
    expect([retried.code, sorted(retried.out)]).toEqual([0, ['out-3', 'out-6', 'out-9']])
    expect(retried.err).toMatch(/^Completed job 1: 9 of 9 items done/m)
  }, 60_000)

  it('retry of a run with --keep-order: the units run again in input order, though they finish the other way', async () => {
    const { dir, db } = workspace()
    // Inputs 3, 6 and 9 fail until their file exists; run again, the later one finishes first.
    const script = `if [ -e "${dir}/ok-$1" ]; then sleep 0.$(( 10 - $1 )); fi; echo out-$1; [ -e "${dir}/ok-$1" ] || [ $(( $1 % 3 )) -ne 0 ]`
    const first = await cli(db, ['run', '--jobs', '3', '--', 'sh', '-c', script, '_', ':::', ...nine])
    expect(first.code).toBe(1)
    for (const n of ['3', '6', '9']) writeFileSync(join(dir, `ok-${n}`), '')
    const ordered = await cli(db, ['retry', '1', '--keep-order'])
    expect([ordered.code, ordered.out]).toEqual([0, 'out-3\nout-6\nout-9\n'])
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
        ...nine,
      ])
      expect(first.err).toMatch(new RegExp(`Job ${jobId} timed out`))
      const before = doneInputs(db, jobId)
      if (serving) farms.push(await startServe(db, dir))
      const resumed = await cli(db, ['resume', String(jobId)])
      expect(resumed.code).toBe(0)
      // What ran before printed then (the first run's output), not again.
      expect(sorted(resumed.out)).toEqual(
        nine
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
    const first = await cli(db, ['map', module, ':::', ...nine])
    expect([first.code, first.out.trim().split('\n')]).toEqual([1, ['1', '4', '9', '25', '36', '49', '81']])
    writeFileSync(fixed, '')
    const retried = await cli(db, ['retry', '1'])
    expect([retried.code, retried.out.trim().split('\n')]).toEqual([0, nine.map((n) => String(Number(n) ** 2))])
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
    const run = startCli(db, ['map', module, '--concurrency', '3', ':::', ...nine])
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
    expect([resumed.code, resumed.out.trim().split('\n')]).toEqual([0, nine.map((n) => String(Number(n) ** 2))])
  }, 60_000)
})
