import { afterEach, describe, expect, it } from 'vitest'
import { openTestFarm } from '../support/test-farm'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('a crawl runs on local workers only', () => {
  it('fails at once, in one sentence, in a network pool with no local worker (remote hosts do not report found pages)', async () => {
    const { farm, dir } = openTestFarm({ pools: { network: { size: 0 } } })
    cleanups.push(() => dir.remove())
    cleanups.push(() => farm.shutdown('now'))
    const id = await farm.create({ kind: 'urls', input: { type: 'crawl', url: 'http://127.0.0.1:1/' } })
    const end = await farm.waitForEnd(id)
    expect(end).toMatchObject({
      state: 'failed',
      error: 'The network pool cannot run: it has no local workers, and a crawl runs on local workers only.',
    })
  }, 60_000)
})
