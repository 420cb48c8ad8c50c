import { describe, expect, it } from 'vitest'
import { runHostLimited } from '../../../../src/workers/kinds/urls/host-limited-queue'

describe('runHostLimited', () => {
  it('never exceeds the total or the per-key limit, and lets other keys pass a busy one', async () => {
    const tasks = ['a1', 'a2', 'a3', 'a4', 'b1', 'c1', 'b2']
    const active = new Map<string, number>()
    let total = 0
    let maxTotal = 0
    const maxPerKey = new Map<string, number>()
    const order: string[] = []
    await runHostLimited(
      tasks,
      (t) => t[0]!,
      { total: 3, perKey: 2 },
      async (t) => {
        const key = t[0]!
        order.push(t)
        active.set(key, (active.get(key) ?? 0) + 1)
        maxPerKey.set(key, Math.max(maxPerKey.get(key) ?? 0, active.get(key)!))
        maxTotal = Math.max(maxTotal, ++total)
        await new Promise((resolve) => setTimeout(resolve, 5))
        active.set(key, active.get(key)! - 1)
        total--
      },
    )
    expect([...order].sort()).toEqual([...tasks].sort())
    expect(maxTotal).toBe(3)
    expect(Math.max(...maxPerKey.values())).toBe(2)
    expect(order.slice(0, 3)).toEqual(['a1', 'a2', 'b1'])
  })

  it('finishes at once with no tasks', async () => {
    await runHostLimited(
      [],
      () => 'x',
      { total: 1, perKey: 1 },
      async () => {},
    )
  })
})
