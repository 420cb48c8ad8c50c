import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { childProcessLauncher } from '../../src/core/child-process-worker'
import type { WorkerHandle } from '../../src/core/worker-handle'
import { isProcessGone } from '../support/process-state'
import { tempDir, until, workerEntry } from '../support/test-farm'

const handles: WorkerHandle[] = []
const cleanups: (() => void)[] = []
afterEach(() => {
  for (const handle of handles.splice(0)) handle.kill()
  // Last in, first out: a prestarted worker is killed before its folder goes (it may still be writing
  // there what it loads; the folder's removal then failed with ENOTEMPTY).
  for (const clean of cleanups.splice(0).reverse()) clean()
})

describe('workers started before the farm asks', () => {
  it('are the ones the pool of their name takes, already booting', async () => {
    const launcher = childProcessLauncher(workerEntry)
    launcher.prestart(2, 'cpu')
    const other = launcher({ pool: 'disk', workerId: 1 })
    const first = launcher({ pool: 'cpu', workerId: 2 })
    const second = launcher({ pool: 'cpu', workerId: 3 })
    const third = launcher({ pool: 'cpu', workerId: 4 })
    handles.push(other, first, second, third)
    // Prestarted ones have a process before start() is called; the others only after.
    expect([first.pid !== null, second.pid !== null, third.pid, other.pid]).toEqual([true, true, null, null])
    await Promise.all([first.start(), second.start()])
    launcher.dropPrestarted()
  }, 30_000)

  it('an unused one holds nothing open: its parent exits at once and it follows', async () => {
    const dir = tempDir('task-farm-prestart-')
    cleanups.push(() => dir.remove())
    const script = join(dir.path, 'prestart.ts')
    writeFileSync(
      script,
      [
        `import { childProcessLauncher } from ${JSON.stringify(resolve('src/core/child-process-worker.ts'))}`,
        `const launcher = childProcessLauncher(${JSON.stringify(workerEntry)})`,
        `launcher.prestart(1, 'cpu')`,
        // Its pid without taking it: a worker taken by a pool holds its parent open, as it should.
        `setTimeout(() => console.log(require('node:child_process').execFileSync('pgrep', ['-f', 'worker.js', '-P', String(process.pid)]).toString().trim()), 300)`,
      ].join('\n'),
    )
    // Guard: a parent held open by its unused worker would hit this timeout rather than hang the suite.
    const run = spawnSync(process.execPath, [resolve('node_modules/jiti/lib/jiti-cli.mjs'), script], {
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(run.error).toBeUndefined()
    expect([run.status, run.stderr, run.stdout]).toEqual([0, '', expect.stringMatching(/^\d+\n$/)])
    const pid = Number(run.stdout.trim())
    expect(pid).toBeGreaterThan(0)
    await until(() => isProcessGone(pid), 'the unused worker to end with its parent')
  }, 30_000)

  it("load their job kind's code and SQLite as they boot, before the farm sends them anything", async () => {
    const dir = tempDir('task-farm-prestart-')
    cleanups.push(() => dir.remove())
    const loadedFile = join(dir.path, 'loaded.txt')
    const hook = resolve('test/fixtures/log-loads-as-they-come.mjs')
    const before = process.env.TASK_FARM_LOADED_FILE
    process.env.TASK_FARM_LOADED_FILE = loadedFile // the fork takes this process's environment
    cleanups.push(() =>
      before === undefined ? delete process.env.TASK_FARM_LOADED_FILE : (process.env.TASK_FARM_LOADED_FILE = before),
    )
    const launcher = childProcessLauncher(workerEntry, { execArgv: ['--import', hook] })
    launcher.prestart(1, 'cpu', 'probe')
    cleanups.push(() => launcher.dropPrestarted())
    const loaded = (): string => (existsSync(loadedFile) ? readFileSync(loadedFile, 'utf8') : '')
    // Nothing is sent to it: no pool has taken it, no task exists.
    await until(
      () => /\/chunks\/probe-[^/]+\.js$/m.test(loaded()) && loaded().includes('/node_modules/better-sqlite3/'),
      "the probe kind's chunk and better-sqlite3 in what the worker loaded",
    )
  }, 30_000)
})
