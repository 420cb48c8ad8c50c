import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../../../src/core/farm'
import { openTestFarm, until } from '../../../support/test-farm'
import { isProcessGone } from '../../../support/process-state'

const farms: { farm: Farm; remove(): void }[] = []
afterEach(async () => {
  for (const f of farms.splice(0)) {
    await f.farm.shutdown('now')
    f.remove()
  }
})
// The grace is what these tests hold the farm to; 5 s (not the test farm's 1 s) keeps a loaded machine's slow
// scheduling of a worker from passing for a worker that ignored its cancel.
function farmForTest(): { farm: Farm; dir: string } {
  const t = openTestFarm({ cancelGraceMs: 5000 })
  farms.push({ farm: t.farm, remove: t.dir.remove })
  return { farm: t.farm, dir: t.dir.path }
}

const stoppedLate = (farm: Farm, id: number): boolean =>
  farm.store
    .logs({ jobId: id, afterId: 0, minLevel: 'warn', limit: 100 })
    .some((l) => l.message.includes('did not stop within'))

describe('command and module jobs on the farm', () => {
  it('never makes a job of a spec that fails validation or its checks', async () => {
    const { farm, dir } = farmForTest()
    const list = { type: 'list', values: ['a'] }
    await expect(farm.create({ kind: 'command', command: [], input: list })).rejects.toThrow(
      'Give a command to run. (command)',
    )
    await expect(farm.create({ kind: 'command', command: ['echo'], input: list, env: { 'A B': 'x' } })).rejects.toThrow(
      /letters, digits and _ only/,
    )
    await expect(
      farm.create({ kind: 'command', command: ['echo'], input: { type: 'file', path: join(dir, 'none.txt') } }),
    ).rejects.toThrow(/does not exist/)
    await expect(farm.create({ kind: 'module', module: 'relative.mjs', input: list })).rejects.toThrow(/absolute path/)
    expect(farm.list({ limit: 10, offset: 0 }).total).toBe(0)
  })

  // POSIX only: `sleep 300 &` in sh, and a process group per run; Windows ends trees with taskkill /T.
  it.skipIf(process.platform === 'win32')(
    'kills every process tree of a cancelled command job, within the grace period',
    async () => {
      const { farm, dir } = farmForTest()
      const pids = join(dir, 'pids')
      writeFileSync(pids, '')
      const id = await farm.create({
        kind: 'command',
        command: ['sh', '-c', `sleep 300 & echo $! >> ${pids}; echo $$ >> ${pids}; wait`],
        input: { type: 'list', values: ['a', 'b', 'c', 'd'] },
        jobs: 2,
      })
      const started = (): number[] => readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number)
      await until(() => started().length >= 4, 'two runs to start')
      farm.cancel(id)
      const end = await farm.waitForEnd(id)
      expect(end.state).toBe('cancelled')
      expect(stoppedLate(farm, id)).toBe(false)
      await until(() => started().every((pid) => isProcessGone(pid)), 'every run and its children to be gone', 5000)
      expect(farm.store.items(id, { state: 'pending', limit: 10, offset: 0 }).total).toBe(4)
    },
  )

  it("names its worker, its farm and its history in each run's environment (how the next farm finds a dead farm's runs)", async () => {
    const t = openTestFarm()
    farms.push({ farm: t.farm, remove: t.dir.remove })
    const script = 'echo "$TASK_FARM_HISTORY|$TASK_FARM_FARM_PID|$TASK_FARM_WORKER_PID"'
    const id = await t.farm.create({
      kind: 'command',
      command: ['sh', '-c', script],
      input: { type: 'list', values: ['a'] },
    })
    expect((await t.farm.waitForEnd(id)).state).toBe('completed')
    const [unit] = t.farm.store.items(id, { limit: 1, offset: 0 }).items
    const [history, farmPid, workerPid] = (unit!.result as { stdout: string }).stdout.trim().split('|')
    expect(history).toBe(resolve(t.dbPath))
    expect(Number(farmPid)).toBe(process.pid)
    expect(Number(workerPid)).toBeGreaterThan(0)
  })

  it('cancels a module job whose function never settles, within the grace period', async () => {
    const { farm, dir } = farmForTest()
    const module = join(dir, 'forever.mjs')
    writeFileSync(module, `export default (n, { log }) => { log('waiting', n); return new Promise(() => {}) }\n`)
    const id = await farm.create({
      kind: 'module',
      module,
      input: { type: 'list', values: ['1', '2', '3'] },
      concurrency: 3,
    })
    await until(
      () =>
        farm.store
          .logs({ jobId: id, afterId: 0, minLevel: 'info', limit: 100 })
          .some((l) => l.message.includes('waiting')),
      'a call to start',
    )
    farm.cancel(id)
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('cancelled')
    expect(stoppedLate(farm, id)).toBe(false)
  })
})
