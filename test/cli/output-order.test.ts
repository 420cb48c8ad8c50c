import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEntry, tempDir } from '../support/test-farm'
import { cli, startServe, type Served } from './served-farm'

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
