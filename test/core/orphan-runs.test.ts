import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { orphanGroupsOf, orphanGroupsOfDeadFarms } from '../../src/core/orphan-runs'
import { FARM_PID_VARIABLE, HISTORY_VARIABLE, WORKER_PID_VARIABLE } from '../../src/shared/kinds/command-limits'
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

describe("a dead farm's runs, found by their environment", () => {
  // The farm model found it: kill -9 of a worker, then of its farm before it reaped the worker's runs;
  // the next farm's resume ran the input beside its last run. The next farm now ends them first: those
  // of its own history only.
  it.runIf(process.platform === 'linux')(
    "finds the groups of its history's runs whose farm is gone, not of a live farm nor of another history",
    async () => {
      const deadFarm = 2 ** 22 + 23456 // above any pid this machine hands out: no process has it
      const start = (farm: number, history: string | null) =>
        spawn('sh', ['-c', 'sleep 30 & wait'], {
          detached: true,
          stdio: 'ignore',
          env: {
            ...process.env,
            [FARM_PID_VARIABLE]: String(farm),
            ...(history ? { [HISTORY_VARIABLE]: history } : {}),
          },
        })
      const orphan = start(deadFarm, '/histories/a.sqlite')
      const others = [
        start(process.pid, '/histories/a.sqlite'),
        start(deadFarm, '/histories/b.sqlite'),
        start(deadFarm, null),
      ]
      try {
        await until(
          () => orphanGroupsOfDeadFarms('/histories/a.sqlite').includes(orphan.pid!),
          "the dead farm's run to be found",
        )
        const found = orphanGroupsOfDeadFarms('/histories/a.sqlite')
        for (const other of others) expect(found).not.toContain(other.pid)
        expect(orphanGroupsOfDeadFarms('/histories/b.sqlite')).toContain(others[1]!.pid)
      } finally {
        for (const run of [orphan, ...others]) process.kill(-run.pid!, 'SIGKILL')
      }
    },
  )
})
