import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { testRedisServer } from '../support/suite-requirements'
import { until } from '../support/test-farm'
import { counterLines, duplicates, useRemoteBed } from './remote-support'

/**
 * A plan replayed on another host after its first host died yields the same items (their bounds
 * follow the plan's order, not a clock), so the farm, passing on only the items it has not seen,
 * neither skips nor doubles a unit. When the source changed in between, the farm's replay sees it
 * batch by batch against what it stored, and goes by key from there.
 */
describe.skipIf(!testRedisServer())('a remote host killed mid-plan', () => {
  const remote = useRemoteBed()

  let runs = 0

  /** Kills the planning host mid-plan, lets `edit` change the input, and checks each line ran once. */
  async function killPlannerMidPlan(edit: (input: string) => void): Promise<void> {
    const { bed, work } = remote
    const here = mkdtempSync(join(work, 'replay-'))
    const input = join(here, 'inputs.txt')
    const counter = join(here, 'counter')
    const total = 60
    // A followed input: the plan reads it while this test writes it, so it is still planning when its host dies.
    writeFileSync(input, '')
    writeFileSync(`${input}.writing`, String(process.pid))
    // Names of this run only: a host killed by an earlier test is listed (planning) until its heartbeat expires.
    const names = [`alpha${++runs}`, `beta${runs}`]
    const hosts = bed.startHostsWith(['--allow-commands'], ...names)
    const farm = await bed.openFarm()
    await bed.hostsRunning(2)
    const jobId = await farm.create({
      kind: 'command',
      command: ['sh', '-c', `echo "$1" >> ${counter}`, 'sh', '{}'],
      input: { type: 'file', path: input, growing: true },
    })
    let written = 0
    const write = (upTo: number): void => {
      for (; written < upTo; written++) appendFileSync(input, `line-${written}\n`)
    }
    const writer = setInterval(() => write(Math.min(total / 2, written + 1)), 40)
    try {
      await until(() => farm.summary(jobId).itemsTotal >= 10, 'the plan under way', 60_000)
      const planning = () =>
        bed.hostsOf('cpu').find((h) => names.includes(h.name) && h.workers.some((w) => w.batch === 'planning'))
      await until(() => planning() !== undefined, 'the planning host in the Pools view', 60_000)
      const planner = planning()
      await hosts.find((h) => h.output.join('').includes(`worker ${planner!.name} `))!.kill9()
    } finally {
      clearInterval(writer)
    }
    write(total)
    // The other host plans again only once BullMQ sees the batch stalled: after this.
    edit(input)
    rmSync(`${input}.writing`)

    const end = await farm.waitForEnd(jobId)
    const keys = farm.store.items(jobId, { limit: 1000, offset: 0 }).items.map((unit) => unit.key)
    expect(duplicates(keys)).toEqual([])
    expect([...new Set(keys)].sort()).toEqual(Array.from({ length: total }, (_, n) => `line-${n}`).sort())
    expect(end).toMatchObject({ state: 'completed', itemsTotal: total, itemsDone: total, itemsFailed: 0 })
    // Each command ran once: the units the dead host only planned ran on the other one.
    const ran = counterLines(counter)
    expect(duplicates(ran)).toEqual([])
    expect(ran).toHaveLength(total)
    const log = farm.store.db.prepare("SELECT message FROM logs WHERE source = 'remote'").pluck().all() as string[]
    expect(log.some((line) => /stalled: its host stopped answering/.test(line))).toBe(true)
  }

  it('leaves every unit done exactly once', () => killPlannerMidPlan(() => {}), 180_000)

  it(
    'leaves every unit done exactly once when the input lost its first line before the plan ran again',
    () =>
      // Every later batch's edge moves by one: passed over by count, one line would never run. The line
      // gone was stored by the first host, and runs as stored.
      killPlannerMidPlan((input) => writeFileSync(input, readFileSync(input, 'utf8').split('\n').slice(1).join('\n'))),
    180_000,
  )
})
