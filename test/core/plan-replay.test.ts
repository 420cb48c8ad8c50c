import { describe, expect, it } from 'vitest'
import { PlanReplay } from '../../src/core/plan-replay'

describe('PlanReplay', () => {
  it('passes over the batches stored before, however the new run of the plan reports them', () => {
    const replay = new PlanReplay(5)
    replay.restart()
    expect(replay.fresh([1, 2, 3])).toEqual([])
    expect(replay.fresh([4, 5, 6, 7])).toEqual([6, 7])
    expect(replay.fresh([8])).toEqual([8])
    expect(replay.storedBefore).toBe(8)
  })

  it('counts from the start again at every run of the plan', () => {
    const replay = new PlanReplay(0)
    expect(replay.fresh(['a', 'b'])).toEqual(['a', 'b'])
    replay.restart()
    expect(replay.fresh(['a'])).toEqual([])
    expect(replay.fresh(['b', 'c'])).toEqual(['c'])
  })
})
