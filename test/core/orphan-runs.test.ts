import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { orphanGroupsOf } from '../../src/core/orphan-runs'
import { WORKER_PID_VARIABLE } from '../../src/shared/kinds/command-limits'
import { until } from '../support/test-farm'

describe("a dead worker's runs, found by their environment", () => {
  it.runIf(process.platform === 'linux')(
    'finds the group of a run that carries the worker pid, and no other',
    async () => {
      const fakeWorker = 2 ** 22 + 12345 // above any pid this machine hands out
      const run = spawn('sh', ['-c', 'sleep 30 & wait'], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, [WORKER_PID_VARIABLE]: String(fakeWorker) },
      })
      try {
        await until(() => orphanGroupsOf(fakeWorker).length > 0, 'the run to be found')
        expect(orphanGroupsOf(fakeWorker)).toEqual([run.pid])
        expect(orphanGroupsOf(fakeWorker + 1)).toEqual([])
      } finally {
        process.kill(-run.pid!, 'SIGKILL')
      }
    },
  )
})
