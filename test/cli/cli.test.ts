import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { JobStore } from '../../src/core/store/job-store'
import { openDatabase } from '../../src/core/store/open-database'
import { findOwner } from '../../src/host/find-owner'
import { cliEntry, tempDir, until, workerEntry } from '../support/test-farm'
import { childPids, isProcessGone } from '../support/process-state'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

function newDb(): string {
  const dir = tempDir()
  dirs.push(dir)
  return join(dir.path, 'history.sqlite')
}

function run(db: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cliEntry, '--db', db, ...args], { encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

function progress(db: string, jobId: number): { state: string; done: number } {
  if (!existsSync(db)) return { state: 'none', done: 0 }
  let store: JobStore
  try {
    store = new JobStore(openDatabase(db, { readonly: true }))
  } catch {
    return { state: 'none', done: 0 } // Created but not yet migrated by the CLI.
  }
  try {
    const row = store.job(jobId)
    return { state: row?.state ?? 'none', done: row?.items_done ?? 0 }
  } finally {
    store.db.close()
  }
}

describe('task-farm exit codes', () => {
  it('0 for completed, 1 for completed with errors, 2 for bad input', () => {
    const db = newDb()
    expect(run(db, 'probe', '--count', '30').code).toBe(0)
    const withErrors = run(db, 'probe', '--count', '10', '--fail-on', '2')
    expect(withErrors.code).toBe(1)
    expect(withErrors.out).toMatch(/completed with errors: 9 of 10 items done, 1 failed/)
    for (const args of [
      ['frobnicate'],
      ['probe', '--count', '3', '--bogus'],
      ['show'],
      ['show', 'x'],
      ['show', '99'],
      ['jobs', '--status', 'nope'],
      ['probe'],
    ]) {
      const r = run(db, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.err.trim().split('\n').length, r.err).toBeLessThanOrEqual(2)
      expect(r.err).toMatch(/^task-farm: /)
    }
    const unreadable = run(join(dirs[0]!.path, 'missing', 'nothing.sqlite'), 'jobs')
    expect([unreadable.code, unreadable.err]).toEqual([2, expect.stringMatching(/No history database/)])
  })

  it('prints --help for every command and lists jobs as JSON', () => {
    const db = newDb()
    for (const cmd of ['jobs', 'show', 'logs', 'resume', 'retry', 'pools', 'probe']) {
      const r = run(db, cmd, '--help')
      expect(r.code, cmd).toBe(0)
      expect(r.out).toMatch(/Usage: task-farm/)
    }
    run(db, 'probe', '--count', '3')
    const jobs = JSON.parse(run(db, 'jobs', '--json').out)
    expect(jobs.total).toBe(1)
    expect(jobs.jobs[0]).toMatchObject({ id: 1, state: 'completed', itemsDone: 3 })
    const lines = run(db, 'probe', '--count', '3', '--json')
      .out.trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.at(-1)).toMatchObject({ event: 'end', state: 'completed', itemsDone: 3 })
  })
})

describe('stopping the CLI', () => {
  // POSIX only: Node sends no Ctrl-C on Windows (kill('SIGINT') terminates the process); the Windows counterpart below interrupts through the control endpoint.
  it.skipIf(process.platform === 'win32')(
    'Ctrl-C stops the job as interrupted (exit 130), and resume finishes it',
    async () => {
      const db = newDb()
      const child = spawn(process.execPath, [cliEntry, '--db', db, 'probe', '--count', '400', '--sleep-ms', '10'], {
        stdio: 'pipe',
      })
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      await until(() => progress(db, 1).done > 20, 'progress in the history', 30_000)
      child.kill('SIGINT')
      const code = await new Promise((r) => child.on('exit', r))
      expect(code).toBe(130)
      expect(out).toMatch(/interrupted.*task-farm resume 1/s)
      expect(progress(db, 1).state).toBe('interrupted')
      const resumed = run(db, 'resume', '1')
      expect(resumed.code).toBe(0)
      expect(progress(db, 1)).toEqual({ state: 'completed', done: 400 })
    },
  )

  // The Windows counterpart: what a console's Ctrl-C asks of the farm (the job stopped as interrupted,
  // resumable), asked through the control endpoint, as an attached client's Ctrl-C does.
  it.runIf(process.platform === 'win32')(
    'an interrupt stops the job as interrupted (exit 130), and resume finishes it',
    async () => {
      const db = newDb()
      const child = spawn(process.execPath, [cliEntry, '--db', db, 'probe', '--count', '400', '--sleep-ms', '10'], {
        stdio: 'pipe',
        windowsHide: true,
      })
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      await until(() => progress(db, 1).done > 20, 'progress in the history', 30_000)
      const owner = await findOwner(db)
      expect(owner).not.toBeNull()
      await owner!.call('jobs.interrupt', { jobId: 1 })
      owner!.close()
      const code = await new Promise((r) => child.on('exit', r))
      expect(code, out).toBe(130)
      expect(progress(db, 1).state).toBe('interrupted')
      expect(run(db, 'resume', '1').code).toBe(0)
      expect(progress(db, 1)).toEqual({ state: 'completed', done: 400 })
    },
  )

  // Linux only: it reads the workers' command lines from /proc.
  it.skipIf(process.platform !== 'linux')(
    'a farm the command runs starts no more workers than its job has units, unless --workers says so',
    async () => {
      const workersWhileRunning = async (...args: string[]): Promise<number> => {
        const db = newDb()
        const child = spawn(process.execPath, [cliEntry, '--db', db, 'probe', '--sleep-ms', '1500', ...args], {
          stdio: 'ignore',
        })
        try {
          // The pool starts its workers before the first unit goes out, so while that unit runs they all exist.
          await until(() => progress(db, 1).state === 'running', 'the job to run', 30_000)
          // Other children come and go (pidusage's `getconf`): only the worker processes count.
          const commandLine = (pid: number): string => {
            try {
              return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
            } catch {
              return '' // ended meanwhile
            }
          }
          return childPids(child.pid!).filter((pid) => commandLine(pid).includes(workerEntry)).length
        } finally {
          await new Promise((r) => child.on('exit', r))
        }
      }
      expect(await workersWhileRunning('--count', '1')).toBe(1)
      expect(await workersWhileRunning('--count', '1', '--workers', '2')).toBe(2)
    },
  )

  // POSIX only: it lists the workers with pgrep.
  it.skipIf(process.platform === 'win32')(
    'kill -9 of the whole CLI leaves a resumable job and no orphaned workers',
    async () => {
      const db = newDb()
      const child = spawn(
        process.execPath,
        [cliEntry, '--db', db, 'probe', '--count', '400', '--sleep-ms', '10', '--print-on', '0'],
        { stdio: 'ignore' },
      )
      await until(() => progress(db, 1).done > 20, 'progress in the history', 30_000)
      const workerPids = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .filter(Boolean)
        .map(Number)
      expect(workerPids.length).toBeGreaterThan(0)
      child.kill('SIGKILL')
      await new Promise((r) => child.on('exit', r))
      await until(() => workerPids.every((pid) => isProcessGone(pid)), 'the workers to notice and exit')
      expect(JSON.parse(run(db, 'jobs', '--json').out).jobs[0].state).toBe('interrupted')
      const resumed = run(db, 'resume', '1')
      expect(resumed.code, resumed.err).toBe(0)
      expect(progress(db, 1)).toEqual({ state: 'completed', done: 400 })
      expect(run(db, 'show', '1').out).toMatch(/interrupted +the farm stopped while this job ran/)
    },
  )
})
