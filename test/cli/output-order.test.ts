import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../support/test-farm'
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

const inputs = Array.from({ length: 12 }, (_, i) => `word-${i + 1}`)

/** Every input's output line, then the end line, and nothing after it. */
function expectOutputThenEnd(out: string): void {
  const lines = out.trim().split('\n')
  expect(lines.at(-1)).toMatch(/^Completed job \d+: 12 of 12 items done/)
  expect(lines.slice(0, -1).sort()).toEqual([...inputs].sort())
}

describe("a job's output comes before its end line", () => {
  it('run: every command’s output, then "Completed", in a farm of its own and as a client of one that serves', async () => {
    const { dir, db } = workspace()
    // The unit stream shows finished units a few times a second: the last ones came after the end line.
    for (let round = 0; round < 3; round++) {
      const run = await cli(db, ['run', '--jobs', '4', '--', 'echo', ':::', ...inputs])
      expect(run.code).toBe(0)
      expectOutputThenEnd(run.out)
    }
    farms.push(await startServe(db, dir))
    const client = await cli(db, ['run', '--jobs', '4', '--', 'echo', ':::', ...inputs])
    expect(client.code).toBe(0)
    expectOutputThenEnd(client.out)
  }, 120_000)

  it("map --json: every input's unit line, then the end event", async () => {
    const { dir, db } = workspace()
    const square = join(dir, 'square.mjs')
    writeFileSync(square, 'export default (n) => n * n\n')
    const numbers = Array.from({ length: 12 }, (_, i) => String(i + 1))
    for (let round = 0; round < 3; round++) {
      const run = await cli(db, ['map', square, '--json', ':::', ...numbers])
      expect(run.code).toBe(0)
      const events = run.out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string; result?: number })
      expect(events.at(-1)?.event).toBe('end')
      expect(events.filter((e) => e.event === 'unit').map((e) => e.result)).toEqual(numbers.map((n) => Number(n) ** 2))
    }
  }, 120_000)
})
