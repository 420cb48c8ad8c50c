import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { OwnedUnits } from '../../src/core/owned-units'

describe('the units of an item a task holds', () => {
  it('holds what it was given, once each, and lets each go once', () => {
    const owned = new OwnedUnits([7, 3, 5, 3])
    expect(owned.size).toBe(3)
    expect([...owned]).toEqual([3, 5, 7])
    expect(owned.has(4)).toBe(false)
    expect(owned.has(2)).toBe(false)
    expect(owned.has(8)).toBe(false)
    expect(owned.delete(5)).toBe(true)
    expect(owned.delete(5)).toBe(false)
    // Outside what it ever held: below, above, between.
    expect(owned.delete(0)).toBe(false)
    expect(owned.delete(70_000)).toBe(false)
    expect(owned.size).toBe(2)
    expect([...owned]).toEqual([3, 7])
    expect([...new OwnedUnits([])]).toEqual([])
    expect(new OwnedUnits([]).has(0)).toBe(false)
  })

  it('behaves as a Set of the same indexes under any deletes', () => {
    const index = fc.integer({ min: 0, max: 65_535 })
    fc.assert(
      fc.property(fc.array(index, { maxLength: 60 }), fc.array(index, { maxLength: 60 }), (held, deletes) => {
        const owned = new OwnedUnits(held)
        const model = new Set(held)
        for (const i of deletes) {
          expect(owned.delete(i)).toBe(model.delete(i))
          expect(owned.size).toBe(model.size)
        }
        for (const i of [...held, ...deletes]) expect(owned.has(i)).toBe(model.has(i))
        expect([...owned]).toEqual([...model].sort((a, b) => a - b))
      }),
    )
  })
})
