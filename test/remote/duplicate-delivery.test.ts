import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../src/core/farm'
import type { RemoteFarmSide, RemoteLink } from '../../src/core/remote-link'
import { WorkerHandleBase } from '../../src/core/worker-handle-base'
import type { ToWorker } from '../../src/shared/worker-protocol'
import { unpackUnits } from '../../src/workers/worker-runtime'
import { openTestFarm, type tempDir } from '../support/test-farm'
import { duplicates } from './remote-support'

/**
 * At-least-once delivery, without Redis: a remote slot that reports every batch's outcomes twice, and
 * again after the batch ended (a replayed delivery). The engine closes a unit on its first outcome and
 * ignores the rest, so the history holds each unit once and counts it once.
 */
class EchoTwiceSlot extends WorkerHandleBase {
  readonly pid = null
  start(): Promise<void> {
    return Promise.resolve()
  }
  kill(): void {
    this.finish({ reason: 'killed', code: null, signal: null })
  }
  post(message: ToWorker): void {
    if (message.type === 'shutdown') return this.finish({ reason: 'clean-exit', code: null, signal: null })
    if (message.type === 'cancel' || message.type === 'warm') return
    // The reply is async (units are unpacked); a failure here fails the job, which the test sees.
    setImmediate(() => void this.reply(message))
  }

  private async reply(message: Exclude<ToWorker, { type: 'shutdown' | 'cancel' | 'warm' }>): Promise<void> {
    const { taskId } = message
    {
      if (message.type === 'plan' && message.spec.kind === 'probe') {
        // One planned item of `count` units, packed as workers pack them.
        const units = Array.from({ length: message.spec.count }, (_, n) => [`#${n}`, 0, { n, first: n, count: 1 }])
        this.emitMessage({
          type: 'planned',
          taskId,
          batches: [{ units: JSON.stringify(units), count: units.length, size: 0 }],
        })
      }
      if (message.type === 'run') {
        const results = (await unpackUnits(message)).map((unit) => ({ id: unit.id, result: { square: 0, pid: 0 } }))
        const done = { type: 'unitsDone' as const, taskId, ids: [], results, bytes: 0 }
        this.emitMessage(done)
        this.emitMessage(done)
        this.emitMessage({
          type: 'unitsFailed',
          taskId,
          items: results.map(({ id }) => ({ id, error: 'late', retryable: true })),
        })
        this.emitMessage({ type: 'done', taskId, rss: 0 })
        this.emitMessage(done)
        return
      }
      this.emitMessage({ type: 'done', taskId, rss: 0 })
    }
  }
}

function fakeRemote(slots: number): RemoteLink {
  return {
    attach(farm: RemoteFarmSide) {
      for (let i = 0; i < slots; i++) farm.pools.cpu.attachRemote(new EchoTwiceSlot())
    },
    hosts: () => [],
    control: async () => {},
    close: async () => {},
  }
}

// POSIX only: redis-server has no Windows build (the macOS job installs it with brew).
describe.skipIf(process.platform === 'win32')('outcomes delivered more than once', () => {
  let opened: { farm: Farm; dir: ReturnType<typeof tempDir> } | null = null
  afterEach(async () => {
    await opened?.farm.shutdown('now')
    opened?.dir.remove()
  })

  it('count each unit once in the history and the job', async () => {
    const { farm, dir } = openTestFarm({ pools: { cpu: { size: 0 } }, remote: fakeRemote(3) })
    opened = { farm, dir }
    const jobId = await farm.create({ kind: 'probe', count: 500 })
    const end = await farm.waitForEnd(jobId)
    expect(end).toMatchObject({ state: 'completed', itemsTotal: 500, itemsDone: 500, itemsFailed: 0 })
    const rows = farm.store.items(jobId, { limit: 10_000, offset: 0 }).items
    expect(rows).toHaveLength(500)
    expect(duplicates(rows.map((r) => r.key))).toEqual([])
    expect(rows.every((r) => r.state === 'done' && r.attempts === 1)).toBe(true)
  })
})
