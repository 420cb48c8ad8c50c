import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { childProcessLauncher } from '../../../../src/core/child-process-worker'
import type { Farm } from '../../../../src/core/farm'
import { openTestFarm, workerEntry } from '../../../support/test-farm'

const farms: { farm: Farm; remove(): void }[] = []
afterEach(async () => {
  for (const f of farms.splice(0)) {
    await f.farm.shutdown('now')
    f.remove()
  }
  delete process.env.TASK_FARM_LATE_FAILURES_MS
  delete process.env.TASK_FARM_REAL_WORKER
})

// POSIX only: the command is a sh script.
describe.skipIf(process.platform === 'win32')('a command that failed as its job stops', () => {
  it('is recorded failed: the resume does not run it again', async () => {
    // The farm model found it: a failure that reached the farm while its job was stopping (here its
    // deadline) was left pending, as if the stop had broken the run off, and the resume ran the
    // command a second time. The worker here holds its failure reports back past the deadline.
    process.env.TASK_FARM_LATE_FAILURES_MS = '1500'
    process.env.TASK_FARM_REAL_WORKER = workerEntry
    const t = openTestFarm({
      launcher: childProcessLauncher(resolve('test/fixtures/late-failures-worker.mjs')),
      // The worker answers the stop once its held reports are out: well within this.
      cancelGraceMs: 10_000,
    })
    farms.push({ farm: t.farm, remove: t.dir.remove })
    const counter = join(t.dir.path, 'ran')
    writeFileSync(counter, '')
    const id = await t.farm.create({
      kind: 'command',
      command: ['sh', '-c', `echo "$1" >> ${counter}; exit 1`, 'sh', '{}'],
      input: { type: 'list', values: ['a'] },
      deadlineS: 0.5,
    })
    expect(await t.farm.waitForEnd(id)).toMatchObject({ state: 'timed-out', itemsFailed: 1, itemsDone: 0 })
    t.farm.resume(id)
    expect(await t.farm.waitForEnd(id)).toMatchObject({ state: 'completed-with-errors', itemsFailed: 1 })
    expect(readFileSync(counter, 'utf8')).toBe('a\n')
  }, 30_000)
})
