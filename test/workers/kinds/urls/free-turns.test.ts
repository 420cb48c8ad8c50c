import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HostPacer } from '../../../../src/shared/kinds/host-pacer'
import type { FromWorker } from '../../../../src/shared/worker-protocol'
import { farmHostTurns } from '../../../../src/workers/farm-host-turns'
import { freeUntilThrottled } from '../../../../src/workers/kinds/urls/free-turns'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

/** A worker's turns wired to a farmer's pacer the way task-results.ts wires them, messages counted. */
function wired(jobId: number) {
  const pacer = new HostPacer(null)
  const sent: FromWorker[] = []
  const farm = farmHostTurns((message) => {
    sent.push(message)
    if (message.type === 'hostTurn')
      pacer.turn(message.host, (ticket) => farm.granted(message.ask, ticket), message.crawlDelayMs)
    else if (message.type === 'hostAnswered')
      pacer.answered(message.host, message.ticket, message.throttled, message.retryAfterMs)
    else if (message.type === 'hostsUsed') for (const u of message.hosts) pacer.used(u.host, u.requests, u.ok)
  })
  return { pacer, sent, turns: freeUntilThrottled(jobId, farm.forTask(1, jobId)) }
}

const signal = new AbortController().signal
const count = (sent: FromWorker[], type: FromWorker['type']) => sent.filter((m) => m.type === type).length

describe('turns of a job without a rate', () => {
  it('go without asking the farmer, counted in one message, until the host throttles', async () => {
    const { pacer, sent, turns } = wired(101)
    for (let i = 0; i < 50; i++) {
      const ticket = await turns.turn('a.test', null, signal)
      turns.answered('a.test', ticket!, false, null)
    }
    expect(count(sent, 'hostTurn') + count(sent, 'hostAnswered')).toBe(0)
    vi.advanceTimersByTime(100)
    expect(sent).toEqual([
      { type: 'hostsUsed', taskId: 1, jobId: 101, hosts: [{ host: 'a.test', requests: 50, ok: 50 }] },
    ])
    expect(pacer.paces()[0]).toMatchObject({ host: 'a.test', rate: null, requests: 50, perSecond: 50 })

    // Two requests under way get 429: the farmer cuts once, from what was sent, and holds the host.
    const [t1, t2] = [await turns.turn('a.test', null, signal), await turns.turn('a.test', null, signal)]
    turns.answered('a.test', t1!, true, 2000)
    turns.answered('a.test', t2!, true, null)
    expect(pacer.paces()[0]).toMatchObject({ requests: 52, throttled: 2, backoffs: 1, rate: 25 })
    // From now on this worker asks for every turn to that host; others still go at once.
    let granted = false
    void turns.turn('a.test', null, signal).then(() => (granted = true))
    await Promise.resolve()
    expect(count(sent, 'hostTurn')).toBe(1)
    expect(granted).toBe(false)
    await vi.advanceTimersByTimeAsync(2000)
    expect(granted).toBe(true)
    await turns.turn('b.test', null, signal)
    expect(count(sent, 'hostTurn')).toBe(1)
  })

  it('asks for a host with a Crawl-delay, so the farmer spaces it for every worker', async () => {
    const { sent, turns } = wired(102)
    await turns.turn('a.test', 500, signal)
    expect(count(sent, 'hostTurn')).toBe(1)
  })
})
