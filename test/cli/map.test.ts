import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir, until } from '../support/test-farm'
import { jsonLines, runCli, startCli } from './command-cli-helpers'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
function workspace(modules: Record<string, string>): { dir: string; db: string } {
  const dir = tempDir('tf-map-cli-')
  dirs.push(dir)
  for (const [name, source] of Object.entries(modules)) writeFileSync(join(dir.path, name), source)
  return { dir: dir.path, db: join(dir.path, 'history.sqlite') }
}
const numbers = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i + 1))

describe('task-farm map', () => {
  it("maps a module's default export over the inputs and exports the results in input order", async () => {
    const { dir, db } = workspace({
      'square.mjs': `export default async (n, context) => { if (n === 7) context.log('seven is', { lucky: true }); return n * n }\n`,
    })
    writeFileSync(join(dir, 'numbers.txt'), numbers(50).join('\n'))
    const out = join(dir, 'squares.json')
    const r = await runCli([
      '--db',
      db,
      'map',
      join(dir, 'square.mjs'),
      '--input',
      join(dir, 'numbers.txt'),
      '--out',
      out,
      '--concurrency',
      '4',
    ])
    expect(r.code).toBe(0)
    const rows = JSON.parse(readFileSync(out, 'utf8')) as { input: string; result: string }[]
    expect(rows.map((row) => row.input)).toEqual(numbers(50))
    expect(rows.map((row) => JSON.parse(row.result))).toEqual(numbers(50).map((n) => Number(n) ** 2))
    const logs = await runCli(['--db', db, 'logs', '1'])
    expect(logs.out).toMatch(/7: seven is \{ lucky: true \}/)
  })

  it('leaves the history as one file: its reader of results closes before the farm folds the WAL in', async () => {
    const { dir, db } = workspace({ 'square.mjs': 'export default (n) => n * n\n' })
    writeFileSync(join(dir, 'numbers.txt'), numbers(3000).join('\n'))
    const r = await runCli(['--db', db, 'map', join(dir, 'square.mjs'), '--input', join(dir, 'numbers.txt')])
    expect(r.code).toBe(0)
    expect(r.out.trim().split('\n').map(Number)).toEqual(numbers(3000).map((n) => Number(n) ** 2))
    const run = await runCli(['--db', db, 'run', '--', 'echo', ':::', 'a', 'b'])
    expect(run.code).toBe(0)
    expect(existsSync(`${db}-wal`)).toBe(false)
    // Readers of a history no farm holds make the WAL and shared-memory files, and take them away again.
    for (const words of [['jobs'], ['show', '1'], ['logs', '1'], ['units', '--job', '1']]) {
      expect((await runCli(['--db', db, ...words])).code).toBe(0)
      expect([existsSync(`${db}-wal`), existsSync(`${db}-shm`)], words.join(' ')).toEqual([false, false])
    }
  })

  it('maps an empty input like any other (a unit stored as its key alone may be an empty key)', async () => {
    const { dir, db } = workspace({ 'brackets.mjs': 'export default (s) => `[${s}]`\n' })
    const r = await runCli(['--db', db, 'map', join(dir, 'brackets.mjs'), ':::', 'a', '', 'b'])
    expect(r.code).toBe(0)
    expect(r.out.trim().split('\n')).toEqual(['"[a]"', '"[]"', '"[b]"'])
  })

  it('loads a TypeScript module, and streams one JSON line per input with --json', async () => {
    const { dir, db } = workspace({
      'shout.ts': `interface Context { log(...v: unknown[]): void }\nexport default function shout(input: string, _c: Context): { text: string } {\n  return { text: input.toUpperCase() }\n}\n`,
    })
    const r = await runCli(['--db', db, 'map', join(dir, 'shout.ts'), '--json', ':::', 'a', 'b c'])
    expect(r.code).toBe(0)
    const units = jsonLines(r.out).filter((e) => e.event === 'unit')
    expect(units.map((u) => u.result)).toEqual([{ text: 'A' }, { text: 'B C' }])
  })

  it("records a thrown error as that input's failure, with its message and stack", async () => {
    const { dir, db } = workspace({
      'picky.mjs': `export default function picky(n) {\n  if (n % 3 === 0) throw new RangeError('no multiples of three: ' + n)\n  return n\n}\n`,
    })
    const out = join(dir, 'picky.json')
    const r = await runCli(['--db', db, 'map', join(dir, 'picky.mjs'), '--out', out, ':::', ...numbers(7)])
    expect(r.code).toBe(1)
    const rows = JSON.parse(readFileSync(out, 'utf8')) as { input: string; state: string; error: string | null }[]
    expect(rows.filter((row) => row.state === 'failed').map((row) => row.input)).toEqual(['3', '6'])
    expect(rows[2]!.error).toMatch(/^RangeError: no multiples of three: 3\n\s+at picky \(.*picky\.mjs:2/)
  })

  it('keeps every result in its place when thousands of quick calls report in runs and some go again', async () => {
    // Inputs divisible by 97 throw on their first call (a marker file says it was made): they go
    // again alone, and their results land among the runs of results reported around them.
    const { dir, db } = workspace({
      'flaky.mjs': `import { existsSync, writeFileSync } from 'node:fs'
export default (n) => {
  const marker = new URL('./seen-' + n, import.meta.url)
  if (n % 97 === 0 && !existsSync(marker)) {
    writeFileSync(marker, '')
    throw new Error('first call of ' + n)
  }
  return n % 10 === 0 ? undefined : n % 5 === 0 ? { n, text: 'five "' + n + '"' } : n * n
}
`,
    })
    const count = 6000
    writeFileSync(join(dir, 'numbers.txt'), numbers(count).join('\n'))
    const out = join(dir, 'results.json')
    const r = await runCli([
      '--db',
      db,
      'map',
      join(dir, 'flaky.mjs'),
      '--input',
      join(dir, 'numbers.txt'),
      '--retries',
      '1',
      '--out',
      out,
    ])
    expect(r.code).toBe(0)
    const rows = JSON.parse(readFileSync(out, 'utf8')) as { input: string; attempts: number; result: string }[]
    expect(rows.map((row) => row.input)).toEqual(numbers(count))
    const want = (n: number): unknown => (n % 10 === 0 ? null : n % 5 === 0 ? { n, text: `five "${n}"` } : n * n)
    expect(rows.map((row) => JSON.parse(row.result))).toEqual(numbers(count).map((n) => want(Number(n))))
    expect(rows.filter((row) => row.attempts === 2).map((row) => Number(row.input))).toEqual(
      numbers(count)
        .map(Number)
        .filter((n) => n % 97 === 0),
    )
  })

  it('fails the job at once, before any input runs, when the module does not load', async () => {
    const { dir, db } = workspace({
      'broken.mjs': 'export default (n) => n *\n',
      'nothing.mjs': 'export const x = 1\n',
    })
    const r = await runCli(['--db', db, 'map', join(dir, 'broken.mjs'), ':::', '1', '2'])
    expect(r.code).toBe(2)
    expect(r.out + r.err).toMatch(/The module .*broken\.mjs could not be loaded: .*Unexpected/)
    const show = await runCli(['--db', db, 'show', '1'])
    expect(show.out).toMatch(/failed/)
    expect(show.out).not.toMatch(/1 of 2|2 of 2/)
    const none = await runCli(['--db', db, 'map', join(dir, 'nothing.mjs'), ':::', '1'])
    expect(none.code).toBe(2)
    expect(none.out + none.err).toMatch(/has no default export function/)
  })

  // POSIX only: Node sends no Ctrl-C on Windows (kill('SIGINT') terminates the process).
  it.skipIf(process.platform === 'win32')(
    'stops a function that never settles within the grace period when the run is interrupted',
    async () => {
      const { dir, db } = workspace({
        'forever.mjs': `export default (n, { log }) => { log('waiting', n); return new Promise(() => {}) }\n`,
      })
      const { child, done } = startCli([
        '--db',
        db,
        'map',
        join(dir, 'forever.mjs'),
        '--json',
        '--concurrency',
        '2',
        ':::',
        '1',
        '2',
      ])
      let out = ''
      child.stdout!.on('data', (chunk) => (out += chunk))
      await until(() => /waiting/.test(out), 'the calls to start')
      child.kill('SIGINT')
      const r = await done
      expect(r.code).toBe(130)
      expect(r.out).not.toMatch(/did not stop within/)
      const resumedState = await runCli(['--db', db, 'show', '1'])
      expect(resumedState.out).toMatch(/interrupted/)
    },
  )
})
