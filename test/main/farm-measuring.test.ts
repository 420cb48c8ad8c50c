import { afterEach, describe, expect, it, vi } from 'vitest'
import { openTestFarm } from '../support/test-farm'

// Counts the farm's own pidusage samplers; the desktop app measures through Electron instead.
const created = vi.hoisted(() => ({ count: 0 }))
vi.mock('../../src/core/worker-usage', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/worker-usage')>()
  return {
    WorkerUsage: class extends real.WorkerUsage {
      constructor(...args: ConstructorParameters<typeof real.WorkerUsage>) {
        super(...args)
        created.count++
      }
    },
  }
})

describe('measuring workers', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
    created.count = 0
  })

  const open = (measureWorkers?: boolean): void => {
    const { farm, dir } = openTestFarm(measureWorkers === undefined ? {} : { measureWorkers })
    cleanups.push(async () => {
      await farm.shutdown('graceful')
      dir.remove()
    })
  }

  it('runs no pidusage sampler when the host measures (the desktop app)', () => {
    open(false)
    expect(created.count).toBe(0)
  })

  it('measures with pidusage by default (CLI, web host)', () => {
    open()
    expect(created.count).toBe(1)
  })
})
