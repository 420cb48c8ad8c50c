import { describe, expect, it } from 'vitest'
import type { WorkerExit } from '../../../src/core/worker-handle'
import { crashReason, ExitCombiner } from '../../../src/main/decisions/crash-reason'
import { fakeSchedule } from '../../support/fake-schedule'

const facts = { gone: null, exitCode: null, killedByUs: false, fatalError: null }

describe('crashReason', () => {
  it('trusts child-process-gone over the exit code', () => {
    expect(crashReason({ ...facts, gone: { reason: 'oom', exitCode: 1 }, exitCode: 1 })).toBe('oom')
    expect(crashReason({ ...facts, gone: { reason: 'memory-eviction', exitCode: 9 } })).toBe('oom')
    expect(crashReason({ ...facts, gone: { reason: 'crashed', exitCode: 139 }, exitCode: 139 })).toBe('crashed')
    expect(crashReason({ ...facts, gone: { reason: 'launch-failed', exitCode: 1 } })).toBe('launch-failed')
    expect(crashReason({ ...facts, gone: { reason: 'integrity-failure', exitCode: 1 } })).toBe('launch-failed')
    expect(crashReason({ ...facts, gone: { reason: 'killed', exitCode: 9 } })).toBe('killed')
    expect(crashReason({ ...facts, gone: { reason: 'abnormal-exit', exitCode: 3 } })).toBe('abnormal-exit')
  })

  it('falls back to the exit code, and to what we did ourselves', () => {
    expect(crashReason({ ...facts, exitCode: 0 })).toBe('clean-exit')
    expect(crashReason({ ...facts, exitCode: 2 })).toBe('abnormal-exit')
    expect(crashReason({ ...facts, exitCode: 137, killedByUs: true })).toBe('killed')
  })

  it('reads a V8 fatal error as out-of-memory or a crash', () => {
    expect(crashReason({ ...facts, exitCode: 134, fatalError: 'Reached heap limit Allocation failed' })).toBe('oom')
    expect(crashReason({ ...facts, exitCode: 134, fatalError: 'v8::ToLocalChecked Empty MaybeLocal' })).toBe('crashed')
  })
})

describe('ExitCombiner', () => {
  function setup() {
    const clock = fakeSchedule()
    const exits: WorkerExit[] = []
    const combiner = new ExitCombiner((e) => exits.push(e), clock.schedule, 1000)
    return { clock, exits, combiner }
  }

  it('settles when gone comes before exit', () => {
    const { exits, combiner } = setup()
    combiner.noteGone({ reason: 'oom', exitCode: 5 })
    expect(exits).toEqual([])
    combiner.noteExit(5)
    expect(exits).toEqual([{ reason: 'oom', code: 5, signal: null }])
  })

  it('settles when gone comes after exit, inside the wait', () => {
    const { clock, exits, combiner } = setup()
    combiner.noteExit(11)
    clock.advance(500)
    expect(exits).toEqual([])
    combiner.noteGone({ reason: 'crashed', exitCode: 11 })
    expect(exits).toEqual([{ reason: 'crashed', code: 11, signal: null }])
    expect(clock.pending()).toBe(0)
  })

  it('settles from the exit code alone when gone never comes', () => {
    const { clock, exits, combiner } = setup()
    combiner.noteExit(3)
    clock.advance(1000)
    combiner.noteGone({ reason: 'crashed', exitCode: 3 })
    expect(exits).toEqual([{ reason: 'abnormal-exit', code: 3, signal: null }])
  })

  it('settles a clean exit at once, and a kill of ours as killed', () => {
    const clean = setup()
    clean.combiner.noteExit(0)
    expect(clean.exits).toEqual([{ reason: 'clean-exit', code: 0, signal: null }])

    const killed = setup()
    killed.combiner.noteKilledByUs()
    killed.combiner.noteExit(9)
    killed.clock.advance(1000)
    expect(killed.exits).toEqual([{ reason: 'killed', code: 9, signal: null }])
  })
})
