import { describe, expect, it } from 'vitest'
import { keyOfUnit, packUnit, payloadOfUnit, sizeOfUnit, unpackUnit } from '../../src/shared/packed-unit'
import { ItemPacker } from '../../src/workers/item-packer'

describe('a unit as its item stores it', () => {
  it('is its key alone when it has neither size nor payload, else a [key, size, payload] triple', () => {
    expect(packUnit('3', 0, null)).toBe('3')
    expect(packUnit('3', 0, undefined)).toBe('3')
    // A copy's empty file keeps its mtime payload; a probe's chunk its numbers; a sized unit its size.
    expect(packUnit('empty.txt', 0, 1_700_000_000_000)).toEqual(['empty.txt', 0, 1_700_000_000_000])
    expect(packUnit('#0', 0, { n: 0 })).toEqual(['#0', 0, { n: 0 }])
    expect(packUnit('a.bin', 5, null)).toEqual(['a.bin', 5, null])
    // Falsy payloads other than null are payloads.
    expect(packUnit('x', 0, 0)).toEqual(['x', 0, 0])
    expect(packUnit('x', 0, '')).toEqual(['x', 0, ''])
  })

  it('reads back alike from either form, through JSON', () => {
    const units = JSON.parse(JSON.stringify([packUnit('in', 0, null), packUnit('f', 7, { t: 1 })]))
    expect(units.map(keyOfUnit)).toEqual(['in', 'f'])
    expect(units.map(sizeOfUnit)).toEqual([0, 7])
    expect(units.map(payloadOfUnit)).toEqual([null, { t: 1 }])
    expect(unpackUnit(9, units[0])).toEqual({ id: 9, key: 'in', payload: null, size: 0, attempt: 1 })
    expect(unpackUnit(10, units[1])).toEqual({ id: 10, key: 'f', payload: { t: 1 }, size: 7, attempt: 1 })
    // Items written before hold triples for every unit.
    expect(unpackUnit(11, ['old', 0, null])).toEqual({ id: 11, key: 'old', payload: null, size: 0, attempt: 1 })
  })

  it("a plan's items of plain inputs are their keys' JSON array", () => {
    const packer = new ItemPacker({ units: 4, bytes: 0 })
    for (const key of ['1', '2', '3']) packer.add({ key, payload: null, size: 0 })
    expect(packer.take(true).map((item) => item.units)).toEqual(['["1"]', '["2","3"]'])
  })

  it('keys given at once make the items that keys given one by one make, after and before other units', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `in-${i}`)
    const oneByOne = new ItemPacker({ units: 64, bytes: 0 })
    const atOnce = new ItemPacker({ units: 64, bytes: 0 })
    for (const packer of [oneByOne, atOnce]) packer.add({ key: 'first', payload: { n: 1 }, size: 5, role: 'finds' })
    for (const key of keys.slice(0, 100)) oneByOne.add({ key, payload: null, size: 0 })
    atOnce.addKeys(keys.slice(0, 100))
    for (const key of keys.slice(100)) oneByOne.add({ key, payload: null, size: 0 })
    atOnce.addKeys(keys.slice(100, 101))
    atOnce.addKeys(keys.slice(101))
    for (const packer of [oneByOne, atOnce]) packer.add({ key: 'last', payload: null, size: 0, role: 'last' })
    const items = oneByOne.take(true)
    expect(items.map((item) => item.count)).toEqual([1, 2, 4, 8, 16, 32, 64, 64, 64, 46, 1])
    expect(atOnce.take(true)).toEqual(items)
  })
})
