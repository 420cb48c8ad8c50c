import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isProcessGone } from '../support/process-state'
import { tempDir, until } from '../support/test-farm'
import { cli, startServe, type Served } from './served-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function servedFarm(): Promise<{ db: string; dir: string; serve(): Promise<Served> }> {
  const dir = tempDir('task-farm-schedules-')
  cleanups.push(() => dir.remove())
  const db = join(dir.path, 'history.sqlite')
  const serve = async (): Promise<Served> => {
    const served = await startServe(db, dir.path)
    cleanups.push(() => served.stop('SIGKILL'))
    return served
  }
  return { db, dir: dir.path, serve }
}

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface ListedSchedule {
  id: number
  runs: number
  nextRunAt: number | null
  lastJobId: number | null
}

async function listed(db: string): Promise<ListedSchedule[]> {
  const result = await cli(db, ['schedules', '--json'])
  expect(result.code, result.err).toBe(0)
  return JSON.parse(result.out) as ListedSchedule[]
}

async function jobsUnderWay(db: string): Promise<boolean> {
  const result = await cli(db, ['jobs', '--json'])
  const { jobs } = JSON.parse(result.out) as { jobs: { state: string }[] }
  return jobs.some((job) => job.state === 'queued' || job.state === 'running')
}

describe('schedules', () => {
  it('every 2 s runs three times, goes on after its farm is killed and started again, and stops when removed', async () => {
    const { db, dir, serve } = await servedFarm()
    const first = await serve()
    const runs = join(dir, 'runs.txt')
    const made = await cli(db, ['run', '--every', '2s', '--', 'sh', '-c', `echo run >> ${runs}`, 'sh', ':::', 'x'])
    expect(made.code, made.err).toBe(0)
    expect(made.out).toMatch(/^Schedule 1: next run /)
    // Hang guards only: the farm starts the runs by itself, nobody asks.
    await until(() => lines(runs).length >= 3, 'three runs', 60_000)

    await first.stop('SIGKILL')
    const before = lines(runs).length
    await serve()
    await until(() => lines(runs).length > before, 'a run after the restart', 30_000)
    const [schedule] = await listed(db)
    expect(schedule!.runs).toBeGreaterThanOrEqual(4)
    // The next run is one to come, not one left in the past by the restart.
    expect(schedule!.nextRunAt).not.toBeNull()

    const removed = await cli(db, ['schedules', 'remove', '1'])
    expect(removed.code, removed.err).toBe(0)
    expect(await listed(db)).toEqual([])
    // A run already under way may still write its line: wait for every job to end; then nothing more comes.
    const started = Date.now()
    while (await jobsUnderWay(db)) {
      if (Date.now() - started > 60_000) throw new Error('timed out waiting for the last run to end')
      await pause(500)
    }
    const settled = lines(runs).length
    await pause(5000)
    expect(lines(runs).length).toBe(settled)
  }, 180_000)

  it('never starts a run while its last job is still running', async () => {
    const { db, dir, serve } = await servedFarm()
    await serve()
    const log = join(dir, 'overlap.txt')
    const script = `echo start >> ${log}; sleep 5; echo end >> ${log}`
    const made = await cli(db, ['run', '--every', '2s', '--', 'sh', '-c', script, 'sh', ':::', 'x'])
    expect(made.code, made.err).toBe(0)
    await until(() => lines(log).filter((l) => l === 'end').length >= 2, 'two whole runs', 90_000)
    expect((await cli(db, ['schedules', 'pause', '1'])).code).toBe(0)
    // Each start follows the end of the run before it: starts and ends alternate.
    const seen = lines(log)
    seen.forEach((line, i) => expect(line, seen.join(' ')).toBe(i % 2 === 0 ? 'start' : 'end'))
  }, 180_000)

  it('with no farm running, --every returns at once and a background farm keeps the schedule until it is removed', async () => {
    const dir = tempDir('task-farm-schedules-bg-')
    cleanups.push(() => dir.remove())
    const db = join(dir.path, 'history.sqlite')
    const ownerPid = (): number | null => {
      const lock = `${db}.lock`
      return existsSync(lock) ? (JSON.parse(readFileSync(lock, 'utf8')) as { pid: number }).pid : null
    }
    // Whatever happens, the background farm this test starts does not outlive it.
    cleanups.push(() => {
      const pid = ownerPid()
      if (pid !== null && !isProcessGone(pid)) process.kill(pid, 'SIGKILL')
    })
    const made = await cli(db, ['probe', '--count', '1', '--every', '2s', '--json'])
    expect(made.code, made.err).toBe(0)
    expect(JSON.parse(made.out)).toMatchObject({ id: 1, rule: { every: '2s', missed: 'once' } })
    const pid = ownerPid()!
    expect(isProcessGone(pid)).toBe(false)
    // A hang guard bounds the wait: the background farm starts the runs by itself.
    const started = Date.now()
    while ((await listed(db))[0]!.runs < 2) {
      if (Date.now() - started > 60_000) throw new Error('timed out waiting for two runs')
      await pause(1000)
    }
    expect((await cli(db, ['schedules', 'remove', '1'])).code).toBe(0)
    // With nothing to run, no client and no schedule to come, it stops by itself.
    await until(() => isProcessGone(pid), 'the background farm to stop', 30_000)
  }, 120_000)

  it('refuses a rule it cannot read in one sentence', async () => {
    const { db } = await servedFarm()
    for (const args of [
      ['--every', 'every tuesday'],
      ['--every', '0.1s'],
      ['--at', '24:10'],
      ['--at', 'tomorrow'],
    ]) {
      const result = await cli(db, ['probe', '--count', '1', ...args])
      expect(result.code, result.out).toBe(2)
      expect(result.err.trim().split('\n')).toHaveLength(1)
    }
  }, 60_000)
})

describe('--then-run', () => {
  it('runs once per end of its job, with its id, state and counts in the environment', async () => {
    const { db, dir, serve } = await servedFarm()
    await serve()
    const out = join(dir, 'ends.txt')
    const action = `echo "$TASK_FARM_JOB_ID $TASK_FARM_JOB_STATE $TASK_FARM_JOB_DONE $TASK_FARM_JOB_FAILED $TASK_FARM_JOB_TOTAL" >> ${out}`
    const made = await cli(db, [
      'run',
      '--detach',
      '--then-run',
      action,
      '--',
      'sh',
      '-c',
      'exit $0',
      ':::',
      '0',
      '1',
      '0',
    ])
    expect(made.code, made.err).toBe(0)
    const id = made.out.trim()
    expect((await cli(db, ['wait', id, '--timeout', '30'], 60_000)).code).toBe(1)
    await until(() => lines(out).length >= 1, 'the action of the first end', 30_000)
    expect(lines(out)).toEqual([`${id} completed-with-errors 2 1 3`])

    // A retry is a second end: one more run of the action, not two.
    expect((await cli(db, ['retry', id, '--detach'])).code).toBe(0)
    expect((await cli(db, ['wait', id, '--timeout', '30'], 60_000)).code).toBe(1)
    await until(() => lines(out).length >= 2, 'the action of the second end', 30_000)
    await pause(1500)
    expect(lines(out)).toEqual([`${id} completed-with-errors 2 1 3`, `${id} completed-with-errors 2 1 3`])
    const log = await cli(db, ['logs', id])
    expect(log.out).toMatch(/\[then-run\] ended: exit code 0/)
  }, 120_000)
})
