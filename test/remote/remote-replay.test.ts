import { appendFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { testRedisServer } from '../support/suite-requirements'
import { until } from '../support/test-farm'
import { counterLines, duplicates, useRemoteBed } from './remote-support'

/**
 * A plan replayed on another host after its first host died yields the same items (their bounds
 * follow the plan's order, not a clock), so the farm, passing on only the items it has not seen,
 * neither skips nor doubles a unit.
 */
describe.skipIf(!testRedisServer())('a remote host killed mid-plan', () => {
  const remote = useRemoteBed()

  it('leaves every unit done exactly once', async () => {
    const { bed, work } = remote
    const input = join(work, 'inputs.txt')
    const counter = join(work, 'counter')
    const total = 60
    // A followed input: the plan reads it while this test writes it, so it is still planning when its host dies.
    writeFileSync(input, '')
    writeFileSync(`${input}.writing`, String(process.pid))
    const hosts = bed.startHostsWith(['--allow-commands'], 'alpha', 'beta')
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
      const planning = () => bed.hostsOf('cpu').find((h) => h.workers.some((w) => w.batch === 'planning'))
      await until(() => planning() !== undefined, 'the planning host in the Pools view', 60_000)
      const planner = planning()
      await hosts.find((h) => h.output.join('').includes(`worker ${planner!.name} `))!.kill9()
    } finally {
      clearInterval(writer)
    }
    write(total)
    rmSync(`${input}.writing`)

    const end = await farm.waitForEnd(jobId)
    expect(end).toMatchObject({ state: 'completed', itemsTotal: total, itemsDone: total, itemsFailed: 0 })
    const keys = farm.store.items(jobId, { limit: 1000, offset: 0 }).items.map((unit) => unit.key)
    expect(duplicates(keys)).toEqual([])
    expect(new Set(keys)).toEqual(new Set(Array.from({ length: total }, (_, n) => `line-${n}`)))
    // Each command ran once: the units the dead host only planned ran on the other one.
    const ran = counterLines(counter)
    expect(duplicates(ran)).toEqual([])
    expect(ran).toHaveLength(total)
    const log = farm.store.db.prepare("SELECT message FROM logs WHERE source = 'remote'").pluck().all() as string[]
    expect(log.some((line) => /stalled: its host stopped answering/.test(line))).toBe(true)
  }, 180_000)
})
