import { randomBytes } from 'node:crypto'
import type { Queue } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { RemoteLedger } from '../../src/remote/remote-ledger'
import { RemoteSigner } from '../../src/remote/remote-signing'
import type { RemoteTask } from '../../src/remote/remote-schemas'
import type { RemoteSlot } from '../../src/remote/remote-slot'
import type { FromWorker, PlannedBatch } from '../../src/shared/worker-protocol'

const batchOf = (...keys: string[]): PlannedBatch => ({
  units: JSON.stringify(keys.map((key) => [key, 0, {}])),
  count: keys.length,
  size: 0,
})

/**
 * How the farm's ledger passes on a remote plan's reports (no Redis: a queue that takes anything). A
 * plan batch BullMQ hands to another host after a stall starts again there at its first batch; the
 * farm's replay, not the ledger, decides what of it is new, batch by batch against the history.
 */
/** A ledger (no Redis: a queue that takes anything) that has sent `task` from a slot that records what it is told. */
function ledgerWith(task: RemoteTask) {
  const delivered: (FromWorker | 'lost')[] = []
  const queue = { add: async () => ({}), remove: async () => 0 } as unknown as Queue
  const ledger = new RemoteLedger({
    session: 's',
    queue: () => queue,
    signer: () => new RemoteSigner(randomBytes(32).toString('hex')),
    log: () => {},
    publishCancel: async () => {},
    revoked: () => {},
  })
  const slot = {
    pool: 'cpu',
    deliver: (message: FromWorker) => delivered.push(message),
    lose: () => delivered.push('lost'),
  } as unknown as RemoteSlot
  ledger.submit(slot, task)
  return { ledger, delivered }
}

describe("the remote ledger's plan reports", () => {
  function ledgerWithPlan() {
    const { ledger, delivered } = ledgerWith({
      type: 'plan',
      taskId: 7,
      jobId: 1,
      spec: { kind: 'probe', count: 3 } as never,
      batch: { units: 2, bytes: 0 },
    })
    const report = (host: string, from: number, ...batches: PlannedBatch[]): void =>
      ledger.onProgress('s-7', { host, messages: [{ type: 'planned', taskId: 7, batches, from }] })
    return { delivered, report }
  }

  it('pass a plan started again on another host to the farm whole, from its first batch', async () => {
    const { delivered, report } = ledgerWithPlan()
    await new Promise((resolve) => setImmediate(resolve)) // The batch is sealed and sent.
    report('alpha', 0, batchOf('a', 'b'))
    report('alpha', 1, batchOf('c', 'd'))
    // alpha stalls; beta plans again, from a source that lost `a` meanwhile: its batches' edges moved.
    report('beta', 0, batchOf('b', 'c'), batchOf('d', 'e'))
    report('beta', 2, batchOf('f'))
    expect(
      delivered.map((m) => (m !== 'lost' && m.type === 'planned' ? [m.from, m.batches.map((b) => b.units)] : m)),
    ).toEqual([
      [0, [batchOf('a', 'b').units]],
      [1, [batchOf('c', 'd').units]],
      [0, [batchOf('b', 'c').units, batchOf('d', 'e').units]],
      [2, [batchOf('f').units]],
    ])
  })

  it('drop a report that does not follow the last one of its host: late from a host that lost the batch, or after a lost one', async () => {
    const { delivered, report } = ledgerWithPlan()
    await new Promise((resolve) => setImmediate(resolve))
    report('alpha', 0, batchOf('a'))
    report('beta', 0, batchOf('a'))
    report('alpha', 1, batchOf('b')) // alpha lost the batch to beta: not beta's run
    report('beta', 2, batchOf('c')) // beta's batch 1 never arrived: a gap
    report('beta', 1, batchOf('b'))
    expect(delivered.map((m) => (m !== 'lost' && m.type === 'planned' ? m.from : m))).toEqual([0, 0, 1])
  })
})

describe("the remote ledger's runs of done units", () => {
  const outcome = (doneRuns: unknown[]) => ({
    final: { type: 'done', taskId: 7, rss: 1 },
    doneIds: [],
    doneResults: [],
    doneRuns,
    doneBytes: 0,
    unitsFailed: [],
    planned: 0,
    host: 'alpha',
  })
  async function ledgerWithRun() {
    const sent = ledgerWith({
      type: 'run',
      taskId: 7,
      jobId: 1,
      spec: { kind: 'probe' } as never,
      batches: [],
      units: [],
    })
    await new Promise((resolve) => setImmediate(resolve)) // The batch is sealed and sent.
    return sent
  }

  it('passes runs on as they came, their results text untouched', async () => {
    const { ledger, delivered } = await ledgerWithRun()
    const runs = [
      { item: 3, from: 0, to: 2, results: '[{"a":1},null]' },
      { item: 4, from: 5, to: 6, results: null },
    ]
    ledger.onCompleted('s-7', JSON.stringify(outcome(runs)))
    expect(delivered).toEqual([
      { type: 'unitsDone', taskId: 7, ids: [], results: [], runs, bytes: 0 },
      { type: 'done', taskId: 7, rss: 0 },
    ])
  })

  it.each([
    ['results of another length', { item: 3, from: 0, to: 2, results: '[1]' }],
    ['results that are not an array', { item: 3, from: 0, to: 1, results: '{"0":1}' }],
    ['results that are not JSON', { item: 3, from: 0, to: 1, results: '[1' }],
    ['an array the farm could not splice (space before it)', { item: 3, from: 0, to: 1, results: ' [1]' }],
    ['an empty run', { item: 3, from: 2, to: 2, results: null }],
    ['indexes past an item', { item: 3, from: 0, to: 1e12, results: null }],
  ])('sends the units again when a host reports %s', async (_, run) => {
    const { ledger, delivered } = await ledgerWithRun()
    ledger.onCompleted('s-7', JSON.stringify(outcome([run])))
    expect(delivered).toEqual(['lost'])
  })
})
