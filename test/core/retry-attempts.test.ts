import { afterEach, describe, expect, it } from 'vitest'
import { openTestFarm } from '../support/test-farm'

const dirs: { remove(): void }[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

describe('attempts after Retry failed', () => {
  it('a retried unit counts its earlier tries with the new ones, each time it is retried', async () => {
    const { farm, dir } = openTestFarm()
    dirs.push(dir)
    try {
      const id = await farm.create({ kind: 'probe', count: 20, failOn: [7] })
      await farm.waitForEnd(id)
      const attemptsOf7 = () =>
        farm.store.items(id, { limit: 50, offset: 0 }).items.find((u) => u.key === '#7')!.attempts
      const first = attemptsOf7()
      expect(first).toBeGreaterThanOrEqual(1)
      farm.retry(id)
      expect((await farm.waitForEnd(id)).itemsFailed).toBe(1)
      expect(attemptsOf7()).toBe(2 * first)
      farm.retry(id)
      await farm.waitForEnd(id)
      expect(attemptsOf7()).toBe(3 * first)
      // Units that never failed still say one try.
      expect(farm.store.items(id, { limit: 50, offset: 0 }).items.find((u) => u.key === '#3')!.attempts).toBe(1)
    } finally {
      await farm.shutdown()
    }
  })
})
