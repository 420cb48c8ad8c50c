import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { JobStore } from '../../src/core/store/job-store'
import { openDatabase } from '../../src/core/store/open-database'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir, until } from '../support/test-farm'
import { jsonLines, runCli, startCli } from './command-cli-helpers'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
function workspace(): { dir: string; db: string } {
  const dir = tempDir('tf-run-cli-')
  dirs.push(dir)
  return { dir: dir.path, db: join(dir.path, 'history.sqlite') }
}

const numbers = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i))
const lines = (path: string): string[] =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []

/** Pids of live processes whose command line holds `text` (Linux /proc). */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)
      } catch {
        return false
      }
    })
    .map(Number)
}

/** `run --jobs 2` of `n` commands that each sleep, then append their input to `counter`. */
function startCounting(db: string, counter: string, sleepS: number, n: number): ReturnType<typeof startCli> {
  const command = ['sh', '-c', `sleep ${sleepS}; echo "$1" >> ${counter}`, 'sh', '{}']
  return startCli(['--db', db, 'run', '--jobs', '2', '--', ...command, ':::', ...numbers(1, n)])
}

/** Pids of the live children of a process (Linux /proc). */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return (
          readFileSync(`/proc/${pid}/stat`, 'utf8')
            .replace(/^.*\) /, '')
            .split(' ')[1] === String(parent)
        )
      } catch {
        return false
      }
    })
    .map(Number)
}

/** Units of a job by state, read from the history as the next farm would see them. */
function unitsByState(db: string, jobId: number): Record<string, string[]> {
  const store = new JobStore(openDatabase(db, { readonly: true }))
  try {
    const by: Record<string, string[]> = {}
    for (const row of store.items(jobId, { limit: 100_000, offset: 0 }).items) (by[row.state] ??= []).push(row.key)
    return by
  } finally {
    store.db.close()
  }
}

// POSIX only: its commands are sh scripts (`sh -c …`); commands the Windows way are in test/workers/kinds/command/windows-spawn.test.ts.
describe.skipIf(process.platform === 'win32')('task-farm run', () => {
  // 180 s: a thousand pairs of processes on a shared two-core machine; a bound on hangs, not a timing.
  it('runs 1,000 inputs, streams and exports every stdout in input order with --keep-order', async () => {
    const { dir, db } = workspace()
    const list = join(dir, 'inputs.txt')
    writeFileSync(list, numbers(1, 1000).join('\n'))
    const out = join(dir, 'results.json')
    const r = await runCli([
      '--db',
      db,
      'run',
      '--input',
      list,
      '--jobs',
      '2',
      '--keep-order',
      '--json',
      '--out',
      out,
      '--',
      'sh',
      '-c',
      'echo {} | sha1sum',
    ])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const sha1 = (n: string): string => `${createHash('sha1').update(`${n}\n`).digest('hex')}  -\n`
    const units = jsonLines(r.out).filter((e) => e.event === 'unit')
    expect(units.map((u) => u.input)).toEqual(numbers(1, 1000))
    expect(units.every((u) => u.stdout === sha1(u.input as string) && u.exitCode === 0)).toBe(true)
    const rows = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[]
    expect(rows.map((row) => row.input)).toEqual(numbers(1, 1000))
    expect(rows.map((row) => row.stdout)).toEqual(numbers(1, 1000).map(sha1))
    expect(new Set(rows.map((row) => row.worker)).size).toBeGreaterThanOrEqual(1)
  }, 180_000)

  it('records the exit code and stderr of a failing command, and exits 1', async () => {
    const { db, dir } = workspace()
    const again = await runCli([
      '--db',
      db,
      'run',
      '--out',
      join(dir, 'fail.json'),
      '--',
      'sh',
      '-c',
      'echo "bad {}" >&2; exit {}',
      ':::',
      '0',
      '3',
    ])
    expect(again.code).toBe(1)
    const rows = JSON.parse(readFileSync(join(dir, 'fail.json'), 'utf8')) as Record<string, unknown>[]
    expect(rows[0]).toMatchObject({ input: '0', state: 'done', exit_code: 0, stderr: 'bad 0\n' })
    // A failed run keeps what it produced, like a successful one: its stderr, duration and worker.
    expect(rows[1]).toMatchObject({ input: '3', state: 'failed', exit_code: 3, stderr: 'bad 3\n' })
    expect(typeof rows[1]!.duration_ms).toBe('number')
    expect(rows[1]!.error).toMatch(/^exit code 3\nbad 3$/)
  })

  it('stops at --deadline as timed-out, and resume runs only the rest', async () => {
    const { dir, db } = workspace()
    const counter = join(dir, 'counter')
    const command = ['--', 'sh', '-c', `sleep 0.4; echo {} >> ${counter}`, ':::', ...numbers(1, 10)]
    const first = await runCli(['--db', db, 'run', '--jobs', '1', '--deadline', '2.5', ...command])
    expect(first.code).toBe(1)
    expect(first.err).toMatch(/Job 1 timed out: .*`task-farm resume 1` runs the rest/)
    // Whatever had finished by the deadline (on a loaded machine, maybe nothing) is not run again.
    const before = unitsByState(db, 1)
    expect(before.done?.length ?? 0).toBeLessThan(10)
    const resumed = await runCli(['--db', db, 'resume', '1'])
    expect(resumed.code).toBe(0)
    const ran = lines(counter)
    expect(new Set(ran)).toEqual(new Set(numbers(1, 10)))
    for (const done of before.done ?? []) expect(ran.filter((n) => n === done)).toHaveLength(1)
    expect(unitsByState(db, 1).done).toHaveLength(10)
  })

  it('after kill -9 of the CLI, resume runs only the unfinished inputs', async () => {
    const { dir, db } = workspace()
    const counter = join(dir, 'counter')
    const { child, done } = startCounting(db, counter, 0.1, 40)
    await until(() => lines(counter).length >= 8, 'some inputs to run')
    child.kill('SIGKILL')
    await done
    // The workers go with their farm, and take their runs with them: no orphan is left.
    await until(() => processesMentioning(counter).length === 0, 'the orphaned runs to be gone', 10_000)
    const before = unitsByState(db, 1)
    expect(before.pending?.length ?? 0).toBeGreaterThan(0)
    const resumed = await runCli(['--db', db, 'resume', '1'])
    expect(resumed.code).toBe(0)
    const ran = lines(counter)
    expect(new Set(ran)).toEqual(new Set(numbers(1, 40)))
    for (const finished of before.done ?? []) expect(ran.filter((n) => n === finished)).toHaveLength(1)
  })

  it('after kill -9 of the farm and every worker, resume runs again at most the --jobs inputs that were running', async () => {
    const { dir, db } = workspace()
    const counter = join(dir, 'counter')
    const { child, done } = startCounting(db, counter, 0.02, 400)
    await until(() => lines(counter).length >= 100, 'a hundred inputs to run', 60_000)
    // Everything at once: the farm and its workers (their commands run on to their end, as orphans).
    const workers = childrenOf(child.pid!)
    for (const pid of [child.pid!, ...workers]) process.kill(pid, 'SIGKILL')
    await done
    await until(() => processesMentioning(counter).length === 0, 'the orphaned runs to end', 10_000)
    const resumed = await runCli(['--db', db, 'resume', '1'])
    expect(resumed.code).toBe(0)
    const ran = lines(counter)
    expect(new Set(ran)).toEqual(new Set(numbers(1, 400)))
    expect(ran.length - 400).toBeLessThanOrEqual(2)
  }, 120_000)

  it('starts work on standard input before it ends', async () => {
    const { dir, db } = workspace()
    const counter = join(dir, 'counter')
    const { child, done } = startCli(
      ['--db', db, 'run', '--input', '-', '--', 'sh', '-c', `echo {} >> ${counter}`],
      null,
    )
    child.stdin!.write('first\n')
    await until(() => lines(counter).includes('first'), 'the first input to run while standard input is open')
    child.stdin!.end('second\nthird')
    const r = await done
    expect(r.code).toBe(0)
    expect(lines(counter).sort()).toEqual(['first', 'second', 'third'])
  })

  it('--halt soon,fail=3 stops the job after three failures', async () => {
    const { db } = workspace()
    const r = await runCli([
      '--db',
      db,
      'run',
      '--jobs',
      '1',
      '--halt',
      'soon,fail=3',
      '--',
      'sh',
      '-c',
      'exit 1',
      ':::',
      ...numbers(1, 60),
    ])
    expect(r.code).toBe(1)
    expect(r.out + r.err).toMatch(/halted after \d+ failed units \(--halt soon,fail=3\)/)
    const units = unitsByState(db, 1)
    expect(units.failed!.length).toBeGreaterThanOrEqual(3)
    expect(units.pending!.length).toBeGreaterThan(0)
  })

  it('reads inputs from standard input and from a folder with a glob', async () => {
    const { dir, db } = workspace()
    const piped = await runCli(
      ['--db', db, 'run', '--input', '-', '--json', '--keep-order', '--', 'echo', 'got'],
      'a b\nc\n',
    )
    expect(
      jsonLines(piped.out)
        .filter((e) => e.event === 'unit')
        .map((u) => u.stdout),
    ).toEqual(['got a b\n', 'got c\n'])
    for (const name of ['x.jpg', 'y.txt', 'sub/z.jpg']) {
      const path = join(dir, 'photos', name)
      await import('node:fs/promises').then((fs) =>
        fs.mkdir(join(path, '..'), { recursive: true }).then(() => fs.writeFile(path, '')),
      )
    }
    const files = await runCli([
      '--db',
      db,
      'run',
      '--files',
      join(dir, 'photos'),
      '--glob',
      '*.jpg',
      '--json',
      '--keep-order',
      '--',
      'echo',
      '{/.}',
    ])
    expect(
      jsonLines(files.out)
        .filter((e) => e.event === 'unit')
        .map((u) => u.stdout),
    ).toEqual(['z\n', 'x\n'])
  })

  it('refuses bad options with one clear line and exit 2', async () => {
    const { db } = workspace()
    const r = await runCli(['--db', db, 'run', '--halt', 'sometimes', '--', 'true', ':::', 'a'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--halt takes soon,fail=N or now,fail=N/)
    const none = await runCli(['--db', db, 'run', '--', 'true'])
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/Give the inputs/)
  })
})
