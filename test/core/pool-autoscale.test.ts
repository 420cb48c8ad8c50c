import { describe, expect, it } from 'vitest'
import { autoscaleStep, type AutoscaleInput } from '../../src/core/pool-autoscale'
import { noRoomFor } from '../../src/core/machine-room'

const base: AutoscaleInput = {
  min: 1,
  max: 4,
  idleMs: 30_000,
  size: 1,
  waitingUnits: 0,
  startingWorkers: 0,
  idleWorkers: 0,
  idleSince: null,
  now: 100_000,
  noRoom: null,
}
const step = (s: Partial<AutoscaleInput>) => autoscaleStep({ ...base, ...s })

describe('how an autoscaled pool is sized (pure)', () => {
  it('grows one worker per look while units wait, and says how many', () => {
    expect(step({ waitingUnits: 40 })).toEqual({ size: 2, reason: 'grew: 40 units waiting' })
    expect(step({ size: 3, waitingUnits: 1 })).toEqual({ size: 4, reason: 'grew: 1 unit waiting' })
  })

  it('never goes past its maximum, and says it is there', () => {
    expect(step({ size: 4, waitingUnits: 40 })).toEqual({ size: 4, reason: 'at maximum: 40 units waiting' })
    expect(step({ size: 6, waitingUnits: 40 })).toEqual({ size: 4, reason: 'at maximum (4)' })
    expect(step({ size: 6 }).size).toBe(4)
  })

  it('does not grow for units that workers still starting will take', () => {
    expect(step({ size: 2, waitingUnits: 1, startingWorkers: 1 })).toEqual({ size: 2, reason: null })
    expect(step({ size: 2, waitingUnits: 3, startingWorkers: 1 }).size).toBe(3)
  })

  it('holds when the machine has no room, and says why', () => {
    expect(step({ waitingUnits: 5, noRoom: 'the CPUs are busy (0.10 cores idle)' })).toEqual({
      size: 1,
      reason: 'held: 5 units waiting, but the CPUs are busy (0.10 cores idle)',
    })
  })

  it('shrinks to the workers in use only after the idle while', () => {
    const idle = { size: 4, idleWorkers: 3, idleSince: 100_000 - 10_000 }
    expect(step(idle)).toEqual({ size: 4, reason: null })
    expect(step({ ...idle, idleSince: 100_000 - 30_000 })).toEqual({ size: 1, reason: 'shrank: idle 30 s' })
    expect(step({ ...idle, min: 2, idleSince: 0 }).size).toBe(2)
  })

  it('stays at its minimum when idle, and climbs to it when the bounds change', () => {
    expect(step({ idleWorkers: 1, idleSince: 0 })).toEqual({ size: 1, reason: null })
    expect(step({ min: 2 })).toEqual({ size: 2, reason: 'at minimum (2)' })
  })

  it('has no room when a new worker would leave less than --memfree, or the CPUs are busy', () => {
    const mib = 1024 * 1024
    expect(noRoomFor({ freeMemoryBytes: 4096 * mib, idleCores: 1 }, 1024 * mib, 64 * mib)).toBeNull()
    expect(noRoomFor({ freeMemoryBytes: 1050 * mib, idleCores: 1 }, 1024 * mib, 64 * mib)).toMatch(/^memory is low/)
    expect(noRoomFor({ freeMemoryBytes: 100 * mib, idleCores: 1 }, 0, 64 * mib)).toMatch(/^memory is low/)
    expect(noRoomFor({ freeMemoryBytes: 4096 * mib, idleCores: 0.1 }, 0, 64 * mib)).toMatch(/^the CPUs are busy/)
  })
})
