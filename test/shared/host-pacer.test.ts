import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HostPacer, parseRate } from '../../src/shared/kinds/host-pacer'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

/** Asks `n` turns of `host` at once; returns the times (ms from now) and tickets they were granted. */
function ask(pacer: HostPacer, n: number, host = 'a.test', crawlDelayMs: number | null = null) {
  const start = Date.now()
  const granted: { at: number; ticket: number }[] = []
  for (let i = 0; i < n; i++)
    pacer.turn(host, (ticket) => granted.push({ at: Date.now() - start, ticket }), crawlDelayMs)
  return granted
}

describe('HostPacer', () => {
  it('spaces a capped host evenly: 5/s lets five through a second, no burst', () => {
    const pacer = new HostPacer(5)
    const granted = ask(pacer, 12)
    vi.advanceTimersByTime(999)
    expect(granted.map((g) => g.at)).toEqual([0, 200, 400, 600, 800])
    vi.advanceTimersByTime(2000)
    expect(granted).toHaveLength(12)
    expect(pacer.paces()[0]).toMatchObject({ host: 'a.test', rate: 5, requests: 12, waiting: 0 })
  })

  it('keeps hosts apart, and lets an uncapped host through at once', () => {
    const pacer = new HostPacer(null)
    expect(ask(pacer, 50, 'b.test')).toHaveLength(50)
    expect(ask(new HostPacer(1), 3, 'c.test')).toHaveLength(1)
  })

  it('honours the longer of the cap and the Crawl-delay', () => {
    const pacer = new HostPacer(10)
    const granted = ask(pacer, 3, 'a.test', 500)
    vi.advanceTimersByTime(1000)
    expect(granted.map((g) => g.at)).toEqual([0, 500, 1000])
    expect(pacer.paces()[0]!.crawlDelayMs).toBe(500)
  })

  it('halves to what the host answered well on a 429, once per window, and waits out Retry-After', () => {
    const pacer = new HostPacer(null)
    const first = ask(pacer, 10)
    for (const { ticket } of first.slice(0, 4)) pacer.answered('a.test', ticket, false, null)
    pacer.answered('a.test', first[4]!.ticket, true, 1000)
    // Already under way when the rate was cut: counted, but it cuts no further.
    pacer.answered('a.test', first[5]!.ticket, true, null)
    expect(pacer.paces()[0]).toMatchObject({ rate: 2, throttled: 2, backoffs: 1 })
    const next = ask(pacer, 2)
    vi.advanceTimersByTime(999)
    expect(next).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(next.map((g) => g.at)).toEqual([1000])
    vi.advanceTimersByTime(500)
    expect(next.map((g) => g.at)).toEqual([1000, 1500])
    // A throttle of a request sent after the cut cuts again.
    pacer.answered('a.test', next[0]!.ticket, true, null)
    expect(pacer.paces()[0]).toMatchObject({ rate: 1, backoffs: 2 })
  })

  it('regains rate additively on good answers, never above the cap', () => {
    const pacer = new HostPacer(4)
    const [first] = ask(pacer, 1)
    pacer.answered('a.test', first!.ticket, true, null)
    expect(pacer.paces()[0]!.rate).toBe(2)
    for (let i = 0; i < 3; i++) pacer.answered('a.test', first!.ticket, false, null)
    const regained = pacer.paces()[0]!.rate!
    expect(regained).toBeGreaterThan(2)
    expect(regained).toBeLessThan(4)
    for (let i = 0; i < 100; i++) pacer.answered('a.test', first!.ticket, false, null)
    expect(pacer.paces()[0]!.rate).toBe(4)
  })

  it('grants nothing more once closed', () => {
    const pacer = new HostPacer(1)
    const granted = ask(pacer, 3)
    pacer.close()
    vi.advanceTimersByTime(5000)
    expect(granted).toHaveLength(1)
  })
})

describe('parseRate', () => {
  it('reads per second and per minute', () => {
    expect(parseRate('5/s')).toBe(5)
    expect(parseRate('5')).toBe(5)
    expect(parseRate('0.5/sec')).toBe(0.5)
    expect(parseRate('300/min')).toBe(5)
    expect(parseRate('30 / m')).toBe(0.5)
    for (const bad of ['', 'fast', '0/s', '-1/s', '5/h', '5/s/s']) expect(parseRate(bad)).toBeNull()
  })
})
