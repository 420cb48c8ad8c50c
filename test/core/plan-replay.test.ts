import { describe, expect, it } from 'vitest'
import { PlanReplay } from '../../src/core/plan-replay'
import type { StoredPlan } from '../../src/core/store/stored-plan'
import type { PackedUnit, PlannedBatch } from '../../src/shared/worker-protocol'
import { keyOfUnit } from '../../src/shared/packed-unit'

/** A batch of units with these keys, each of size 1. */
const batch = (...keys: string[]): PlannedBatch => ({
  units: JSON.stringify(keys.map((key): PackedUnit => [key, 1, null])),
  count: keys.length,
  size: keys.length,
})
const keysOf = (batches: readonly PlannedBatch[]): string[][] =>
  batches.map((b) => (JSON.parse(b.units) as PackedUnit[]).map(keyOfUnit))

/** A history holding `stored` as the plan's batches, in order; `fresh` output is stored after them. */
function history(stored: PlannedBatch[]): { plan: StoredPlan; store(batches: readonly PlannedBatch[]): void } {
  const batches = [...stored]
  return {
    plan: {
      batch: (index) => batches[index]?.units,
      keysFrom(index) {
        const keys = new Map<string, number>()
        for (const key of keysOf(batches.slice(index)).flat()) keys.set(key, (keys.get(key) ?? 0) + 1)
        return keys
      },
    },
    store: (more) => batches.push(...more),
  }
}

/** Runs a plan's reports through a replay of `stored`, storing what it keeps; returns the keys kept. */
function replay(stored: PlannedBatch[], reports: PlannedBatch[][]): string[][] {
  const h = history(stored)
  const r = new PlanReplay(stored.length, h.plan)
  r.restart()
  const kept: PlannedBatch[] = []
  for (const report of reports) {
    const fresh = r.fresh(report)
    h.store(fresh)
    kept.push(...fresh)
  }
  return keysOf(kept)
}

describe('PlanReplay', () => {
  it('passes over the batches stored before, however the new run of the plan reports them', () => {
    const stored = [batch('a'), batch('b', 'c'), batch('d')]
    expect(replay(stored, [[batch('a'), batch('b', 'c')], [batch('d'), batch('e', 'f')], [batch('g')]])).toEqual([
      ['e', 'f'],
      ['g'],
    ])
  })

  it('counts from the start again at every run of the plan', () => {
    const h = history([])
    const r = new PlanReplay(0, h.plan)
    const first = r.fresh([batch('a'), batch('b')])
    h.store(first)
    expect(keysOf(first)).toEqual([['a'], ['b']])
    r.restart()
    expect(r.fresh([batch('a')])).toEqual([])
    expect(keysOf(r.fresh([batch('b'), batch('c')]))).toEqual([['c']])
    expect(r.storedBefore).toBe(3)
  })

  it('starts again within one task when a report says it begins at batch 0 (a remote plan another host took over)', () => {
    const h = history([])
    const r = new PlanReplay(0, h.plan)
    const keep = (batches: PlannedBatch[], from?: number): string[][] => {
      const fresh = r.fresh(batches, from)
      h.store(fresh)
      return keysOf(fresh)
    }
    expect(keep([batch('a', 'b'), batch('c', 'd')], 0)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ])
    // The source lost `a` before the other host planned: every later batch's edge moved by one.
    expect(keep([batch('b', 'c'), batch('d', 'e')], 0)).toEqual([['e']])
    expect(keep([batch('f')], 2)).toEqual([['f']])
  })

  it('leaves out no unit when the source lost one before the point where the plan stopped', () => {
    // First run: a b | c d | e f stored. The source lost `b`: the new run packs a c | d e | f g | h.
    const stored = [batch('a', 'b'), batch('c', 'd'), batch('e', 'f')]
    const kept = replay(stored, [[batch('a', 'c'), batch('d', 'e'), batch('f', 'g'), batch('h')]])
    // By count, `f g` would have been passed over with the three stored batches: `g` never planned.
    expect(kept).toEqual([['g'], ['h']])
  })

  it('plans no unit twice when the source gained one before the point where the plan stopped', () => {
    const stored = [batch('a', 'b'), batch('c', 'd')]
    const kept = replay(stored, [[batch('a', 'new'), batch('b', 'c'), batch('d', 'e')]])
    // By count, `d e` would have been stored again: `d` twice.
    expect(kept).toEqual([['new'], ['e']])
  })

  it('keeps a repeated input as many times as the source repeats it', () => {
    const stored = [batch('x', 'x'), batch('y')]
    // One `x` more than the first run saw, and the plan goes on past where it stopped.
    const kept = replay(stored, [[batch('x', 'x'), batch('x', 'y'), batch('z')]])
    expect(kept).toEqual([['x'], ['z']])
  })

  it('passes over by count the batches an older build stored without numbers', () => {
    const r = new PlanReplay(2, { batch: () => undefined, keysFrom: () => new Map() })
    expect(keysOf(r.fresh([batch('q'), batch('r'), batch('s')]))).toEqual([['s']])
  })

  it('checks again, from where they differ, after a run of the plan that went by key', () => {
    // A replay by key stored `g` and `h` as batches 3 and 4; a third run with the source as the second saw it.
    const stored = [batch('a', 'b'), batch('c', 'd'), batch('e', 'f'), batch('g'), batch('h')]
    const kept = replay(stored, [[batch('a', 'c'), batch('d', 'e'), batch('f', 'g'), batch('h'), batch('i')]])
    expect(kept).toEqual([['i']])
  })
})
