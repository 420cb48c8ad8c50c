import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../../../src/core/farm'
import { intervals, mostAtOnce, stampedCommand } from '../../../support/run-intervals'
import { openTestFarm, until } from '../../../support/test-farm'

const farms: { farm: Farm; remove(): void }[] = []
afterEach(async () => {
  for (const f of farms.splice(0)) {
    await f.farm.shutdown('now')
    f.remove()
  }
})
function farmForTest(cpu: number): { farm: Farm; dir: string } {
  const t = openTestFarm({ pools: { cpu: { size: cpu, stopGraceMs: 1000 } } })
  farms.push({ farm: t.farm, remove: t.dir.remove })
  return { farm: t.farm, dir: t.dir.path }
}

/** A process's state from /proc (Linux): 'Z' is a zombie, null is gone. */
function stateOf(pid: number): string | null {
  try {
    return /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))![1]!
  } catch {
    return null
  }
}
const gone = (pid: number): boolean => [null, 'Z'].includes(stateOf(pid))

describe('job slots: --jobs bounds a job across the farm', () => {
  it('never runs more than --jobs 2 commands at once on a 6-worker pool', async () => {
    const { farm, dir } = farmForTest(6)
    const stamp = join(dir, 'stamps')
    mkdirSync(stamp)
    const inputs = Array.from({ length: 12 }, (_, i) => String(i + 1))
    const id = await farm.create({
      kind: 'command',
      command: [stampedCommand(stamp, 0.3)],
      shell: true,
      input: { type: 'list', values: inputs },
      jobs: 2,
    })
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('completed')
    const runs = intervals(stamp)
    expect(runs.map((r) => r.input).sort()).toEqual([...inputs].sort())
    expect(mostAtOnce(runs)).toBeLessThanOrEqual(2)
    expect(mostAtOnce(runs)).toBeGreaterThanOrEqual(1)
  })

  it('runs --jobs 4 four at once on a 1-worker pool: the slots bound the job, not the workers', async () => {
    const { farm, dir } = farmForTest(1)
    const stamp = join(dir, 'stamps')
    mkdirSync(stamp)
    const id = await farm.create({
      kind: 'command',
      command: [stampedCommand(stamp, 1)],
      shell: true,
      input: { type: 'list', values: ['a', 'b', 'c', 'd'] },
      jobs: 4,
    })
    expect((await farm.waitForEnd(id)).state).toBe('completed')
    expect(mostAtOnce(intervals(stamp))).toBeLessThanOrEqual(4)
  })
})

describe("a killed worker's commands die with it", () => {
  it('kills the process group of the run in hand when its worker is SIGKILLed, before the input runs again', async () => {
    const { farm, dir } = farmForTest(1)
    const log = join(dir, 'runs')
    writeFileSync(log, '')
    // Each run logs "<input> <pid> start", and "overlap" when an earlier run is still alive (a zombie
    // counts as gone), then sleeps in a child of its group and logs "end".
    const script = [
      `echo "$1 $$ start" >> ${log}`,
      `for p in $(cut -d' ' -f2 ${log}); do [ "$p" != "$$" ] && s=$(cut -d' ' -f3 /proc/$p/stat 2>/dev/null) && [ -n "$s" ] && [ "$s" != Z ] && echo "$1 $$ overlap" >> ${log}; done`,
      'sleep 3',
      `echo "$1 $$ end" >> ${log}`,
    ].join('; ')
    const id = await farm.create({
      kind: 'command',
      command: ['sh', '-c', script, 'sh', '{}'],
      input: { type: 'list', values: ['a', 'b'] },
      jobs: 1,
      timeoutS: 2.5,
    })
    const lines = (): string[][] =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' '))
    await until(() => lines().length >= 1, 'the first run to start', 30_000)
    const [, pid] = lines()[0]!
    const worker = farm
      .poolInfo()
      .find((p) => p.name === 'cpu')!
      .workers.find((w) => w.state === 'busy')!
    process.kill(worker.pid!, 'SIGKILL')
    await until(() => gone(Number(pid)), 'the first run to be gone with its worker', 10_000)
    await farm.waitForEnd(id)
    const all = lines()
    expect(all.filter(([, , what]) => what === 'overlap')).toEqual([])
    expect(all.filter(([, p, what]) => p === pid && what !== 'start')).toEqual([])
    // Both inputs ran (and timed out, at 2.5 s of a 3 s sleep) under the new worker.
    expect(
      all
        .filter(([, p, what]) => p !== pid && what === 'start')
        .map(([i]) => i)
        .sort(),
    ).toEqual(['a', 'b'])
  }, 60_000)
})

describe('pools terminate', () => {
  it('ends the process groups of the commands its workers were running', async () => {
    const { farm, dir } = farmForTest(2)
    const pids = join(dir, 'pids')
    writeFileSync(pids, '')
    await farm.create({
      kind: 'command',
      command: ['sh', '-c', `sleep 0.5; sleep 300 & echo $! >> ${pids}; echo $$ >> ${pids}; wait`],
      input: { type: 'list', values: ['a', 'b'] },
      jobs: 2,
    })
    const started = (): number[] => readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number)
    await until(() => started().length >= 4, 'both runs to start', 30_000)
    farm.terminatePool('cpu')
    await until(() => started().every(gone), 'every run and its child to be gone', 10_000)
  }, 60_000)
})

describe('the retry policy on a real command', () => {
  it('tries a failing command --retries 2 more times, with --retry-delay between', async () => {
    const { farm, dir } = farmForTest(2)
    const log = join(dir, 'tries')
    writeFileSync(log, '')
    const id = await farm.create({
      kind: 'command',
      command: ['sh', '-c', `date +%s%N >> ${log}; exit 3`],
      input: { type: 'list', values: ['x'] },
      retries: 2,
      retryDelayS: 0.5,
    })
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('completed-with-errors')
    const stamps = readFileSync(log, 'utf8').split('\n').filter(Boolean).map(BigInt)
    expect(stamps).toHaveLength(3)
    // Jitter is ±25 %: every wait is at least three quarters of the delay (a lower bound, not a timing).
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 1]!).toBeGreaterThanOrEqual(375_000_000n)
    const [row] = farm.store.items(id, { limit: 5, offset: 0 }).items
    expect(row).toMatchObject({ state: 'failed', attempts: 3 })
    expect((row!.result as { attempts: number }).attempts).toBe(3)
  }, 60_000)
})
