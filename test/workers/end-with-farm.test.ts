import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEntry } from '../cli/copy-cli-helpers'
import { childPids, isProcessGone } from '../support/process-state'
import { tempDir, until } from '../support/test-farm'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const clean of cleanups.splice(0)) clean()
})

// On POSIX the farm's reaper ends such a worker (`worker-reaper.ts`); where there is no shell (Windows),
// or with the reaper off, a watcher thread in the worker does (`end-with-farm.ts`). Both ways are tried.
describe.each([
  ["the farm's reaper", {}],
  ['its own watcher thread', { TASK_FARM_REAPER: 'off' }],
])('a worker whose unit never gives its thread back, ended by %s', (_way, env) => {
  it('ends when its farm is killed with SIGKILL, instead of spinning for good', async () => {
    const dir = tempDir('task-farm-endless-')
    cleanups.push(() => dir.remove())
    const module = join(dir.path, 'endless.mjs')
    writeFileSync(module, 'export default () => {\n  for (;;);\n}\n')
    const inputs = join(dir.path, 'inputs.txt')
    writeFileSync(inputs, '1\n')
    const farm: ChildProcess = spawn(
      process.execPath,
      [cliEntry, '--db', join(dir.path, 'h.sqlite'), 'map', module, '--input', inputs, '--workers', '1'],
      { stdio: 'ignore', env: { ...process.env, ...env } },
    )
    let workers: number[] = []
    cleanups.push(() => {
      farm.kill('SIGKILL')
      for (const pid of workers) if (!isProcessGone(pid)) process.kill(pid, 'SIGKILL')
    })
    // Time to take the unit: from then on the worker's main thread is held for good.
    await until(() => (workers = childPids(farm.pid!)).length > 0, 'the worker to start')
    await new Promise((r) => setTimeout(r, 1500))
    expect(workers.every((pid) => !isProcessGone(pid))).toBe(true)
    farm.kill('SIGKILL')
    await until(() => workers.every((pid) => isProcessGone(pid)), 'the spinning worker to end with its farm', 15_000)
  }, 60_000)
})
