import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../src/core/farm'
import { openTestFarm, tempDir, until } from '../support/test-farm'

/**
 * Units run while their plan goes on (a plan streams its items). A plan that stops half-way (its
 * worker killed, or the whole farm) is planned again, and its units that already ran must not run
 * again: commands have side effects. The plan is replayed and the items it had stored are kept.
 */
const open: { farm: Farm; remove(): void }[] = []
afterEach(async () => {
  for (const f of open.splice(0)) {
    await f.farm.shutdown('now')
    f.remove()
  }
})

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []
const twice = (values: string[]): string[] => values.filter((v, i) => values.indexOf(v) !== i)

/** A command job over a followed input file this test writes: it is still planning while its first units run. */
async function startFollowedJob(
  farm: Farm,
  work: string,
): Promise<{ id: number; input: string; write(upTo: number): void; ran(): string[]; end(): void }> {
  const input = join(work, 'inputs.txt')
  const counter = join(work, 'ran')
  writeFileSync(input, '')
  writeFileSync(`${input}.writing`, String(process.pid))
  const id = await farm.create({
    kind: 'command',
    command: ['sh', '-c', `echo "$1" >> ${counter}`, 'sh', '{}'],
    input: { type: 'file', path: input, growing: true },
  })
  let written = 0
  return {
    id,
    input,
    write(upTo) {
      for (; written < upTo; written++) appendFileSync(input, `line-${written}\n`)
    },
    ran: () => lines(counter),
    end: () => rmSync(`${input}.writing`),
  }
}

/** A followed job whose first ten commands ran, its farm shut down mid-plan; `reopen` opens the farm again. */
async function stoppedMidPlan() {
  const dir = tempDir()
  const first = openTestFarm({}, dir)
  open.push({ farm: first.farm, remove: () => {} })
  const job = await startFollowedJob(first.farm, dir.path)
  job.write(10)
  await until(
    () => job.ran().length >= 10 && first.farm.summary(job.id).itemsDone >= 10,
    'the first ten commands to run',
  )
  await first.farm.shutdown('now')
  open.length = 0
  const reopen = (): ReturnType<typeof openTestFarm> => {
    const second = openTestFarm({}, dir)
    open.push({ farm: second.farm, remove: dir.remove })
    return second
  }
  return { job, reopen }
}

const planner = (farm: Farm) =>
  farm
    .poolInfo()
    .find((p) => p.name === 'cpu')!
    .workers.find((w) => w.current === 'planning')

describe('a plan stopped half-way', () => {
  it('planned again after its worker was killed, runs none of the units that already ran', async () => {
    const t = openTestFarm()
    open.push({ farm: t.farm, remove: t.dir.remove })
    const { farm } = t
    const job = await startFollowedJob(farm, t.dir.path)
    job.write(10)
    // Recorded, not only run: the planning worker takes commands too, and one whose result is still on
    // its way when that worker is killed was running then, which a resume may run again.
    await until(
      () => job.ran().length >= 10 && farm.summary(job.id).itemsDone >= 10,
      'the first ten commands to run and be recorded',
    )
    await until(() => planner(farm) !== undefined, 'the planning worker in the pool view')
    process.kill(planner(farm)!.pid!, 'SIGKILL')
    await until(
      () =>
        farm.store
          .logs({ jobId: job.id, afterId: 0, minLevel: 'warn', limit: 50 })
          .some((l) => /planning again/.test(l.message)),
      'the farm to plan again',
    )
    job.write(20)
    job.end()
    const end = await farm.waitForEnd(job.id)
    expect([end.state, end.itemsTotal, end.itemsDone]).toEqual(['completed', 20, 20])
    expect(twice(job.ran())).toEqual([])
    expect(job.ran()).toHaveLength(20)
  }, 60_000)

  it('planned again when the farm reopens, runs none of the units that already ran', async () => {
    const { job, reopen } = await stoppedMidPlan()
    const second = reopen()
    expect(second.farm.summary(job.id)).toMatchObject({ state: 'interrupted', itemsDone: 10 })
    job.write(20)
    job.end()
    second.farm.resume(job.id)
    const end = await second.farm.waitForEnd(job.id)
    expect([end.state, end.itemsTotal, end.itemsDone]).toEqual(['completed', 20, 20])
    expect(twice(job.ran())).toEqual([])
    expect(job.ran()).toHaveLength(20)
  }, 60_000)

  it('runs every input once when the input changed before the plan ran again: none left out, none twice', async () => {
    const { job, reopen } = await stoppedMidPlan()
    // While the farm is down, the list loses its first line and gains one further on: every line after
    // them moves by one place, across the edges of the batches the first run stored.
    const before = readFileSync(job.input, 'utf8').split('\n').filter(Boolean)
    writeFileSync(job.input, [...before.slice(1, 5), 'line-added', ...before.slice(5)].join('\n') + '\n')

    const second = reopen()
    job.write(20)
    job.end()
    second.farm.resume(job.id)
    const end = await second.farm.waitForEnd(job.id)
    expect(twice(job.ran())).toEqual([])
    // line-0 ran before it left the list; the replay by count would have left out line-10 and run line-9 again.
    const expected = ['line-added', ...Array.from({ length: 20 }, (_, i) => `line-${i}`)]
    expect(job.ran().sort()).toEqual(expected.sort())
    expect([end.state, end.itemsTotal, end.itemsDone]).toEqual(['completed', 21, 21])
  }, 60_000)
})
