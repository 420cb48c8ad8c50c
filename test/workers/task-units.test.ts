import { describe, expect, it } from 'vitest'
import type { PackedUnit, ToWorker, WorkItem } from '../../src/shared/worker-protocol'
import { unitId } from '../../src/shared/worker-protocol'
import { TaskUnits } from '../../src/workers/task-units'

type RunMessage = Extract<ToWorker, { type: 'run' }>
const run = (batches: RunMessage['batches'], units: WorkItem[] = []): RunMessage =>
  ({ type: 'run', taskId: 1, jobId: 1, spec: { kind: 'probe' }, batches, units }) as unknown as RunMessage

const keys = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => String(from + i))
const unit = (item: number, index: number, key: string, size = 0, payload: unknown = null): WorkItem => ({
  id: unitId(item, index),
  key,
  payload,
  size,
  attempt: 1,
})

describe('a run task’s units, made as they are read', () => {
  it('yields whole items, slices and loose units in the order sent, and counts them', async () => {
    const retry: WorkItem = { ...unit(9, 4, 'again'), attempt: 3 }
    const units = await TaskUnits.read(
      run(
        [
          { item: 2, units: JSON.stringify(keys(3)) },
          { item: 5, units: JSON.stringify(keys(4, 10)), ranges: [0, 1, 3, 5] },
        ],
        [retry],
      ),
    )
    const expected = [
      unit(2, 0, '0'),
      unit(2, 1, '1'),
      unit(2, 2, '2'),
      unit(5, 0, '10'),
      unit(5, 3, '11'),
      unit(5, 4, '12'),
      retry,
    ]
    expect(units.length).toBe(7)
    expect([...units]).toEqual(expected)
    // Read again, the same units come: nothing is used up.
    expect([...units]).toEqual(expected)
    expect(units.first()).toEqual(expected[0])
  })

  it('makes a new object for each unit it yields: none is kept for the task', async () => {
    const units = await TaskUnits.read(run([{ item: 1, units: JSON.stringify(keys(2)) }]))
    const [a] = units
    const [b] = units
    expect(a).toEqual(b)
    expect(a).not.toBe(b)
  })

  it('finds a unit by its id in a whole item, a slice sent with its units, or among the loose ones', async () => {
    const sized: PackedUnit[] = [
      ['a', 10, { n: 0 }],
      ['b', 0, null],
      ['c', 30, { n: 2 }],
      ['d', 40, { n: 3 }],
    ]
    const loose = unit(8, 1, 'loose', 5)
    const units = await TaskUnits.read(
      run(
        [
          { item: 3, units: JSON.stringify(sized) },
          // Sent with its units: those of the ranges alone, from 0.
          { item: 4, units: JSON.stringify([sized[1], sized[3]]), ranges: [1, 2, 3, 4] },
        ],
        [loose],
      ),
    )
    expect(units.sized).toBe(true)
    expect(units.find(unitId(3, 2))).toEqual(unit(3, 2, 'c', 30, { n: 2 }))
    expect(units.find(unitId(4, 3))).toEqual(unit(4, 3, 'd', 40, { n: 3 }))
    expect(units.find(unitId(4, 1))).toEqual(unit(4, 1, 'b'))
    expect(units.find(unitId(8, 1))).toEqual(loose)
    // Not in this task: in no range sent, or another item.
    expect(units.find(unitId(4, 0))).toBeUndefined()
    expect(units.find(unitId(4, 2))).toBeUndefined()
    expect(units.find(unitId(6, 0))).toBeUndefined()
    // The outbox's count of done bytes reads sizes without making the units.
    expect(
      [unitId(3, 2), unitId(4, 3), unitId(4, 1), unitId(8, 1), unitId(4, 0)].map((id) => units.sizeOf(id)),
    ).toEqual([30, 40, 0, 5, 0])
  })

  it('says whether any unit has a size: a map’s keys have none', async () => {
    const keysOnly = await TaskUnits.read(run([{ item: 1, units: JSON.stringify(['', 'x']) }]))
    expect(keysOnly.sized).toBe(false)
    // An empty input is a unit: only a missing one is an error.
    expect([...keysOnly].map((u) => u.key)).toEqual(['', 'x'])
    expect(TaskUnits.of([unit(1, 0, 'f', 1)]).sized).toBe(true)
    expect(TaskUnits.of([]).length).toBe(0)
  })

  it('refuses ranges that name units that were not sent, before any unit is yielded', async () => {
    const slice = { item: 2, units: JSON.stringify(keys(2)), ranges: [0, 1, 1, 3] }
    await expect(TaskUnits.read(run([{ item: 1, units: JSON.stringify(keys(3)) }, slice]))).rejects.toThrow(
      'item 2: unit 2 is not among those sent',
    )
  })
})
