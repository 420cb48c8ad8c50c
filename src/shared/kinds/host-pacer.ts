import type { HostPace } from './host-pace'

// Zod-free: URL workers pace their own requests with it, and workers load no schema library.

/** Slowest a back-off goes: one request every ten seconds still finishes a job. */
const MIN_RATE = 0.1
/** Requests per second regained per second of good answers (the additive increase). */
const INCREASE_PER_S = 1
/** The longest Retry-After honoured: a server asking for an hour would stall the job. */
const MAX_RETRY_AFTER_MS = 60_000

interface HostState {
  /** Requests per second allowed now; Infinity when neither a cap nor a back-off limits the host. */
  allowed: number
  crawlDelayMs: number | null
  lastGrantAt: number
  blockedUntil: number
  /** Grants so far: a throttled answer to a request granted before the last cut does not cut again. */
  grants: number
  cutAtGrant: number
  /** Good answers in the last second, to learn what the server tolerates when there is no cap. */
  recentOk: number[]
  recentGrants: number[]
  waiting: (() => void)[]
  requests: number
  throttled: number
  backoffs: number
}

/**
 * Per-host pacing of one job: a rate cap, robots.txt's Crawl-delay and an AIMD back-off (halve the
 * allowed rate on a 429/503, honour Retry-After, regain a little with each good answer). Requests
 * are spaced evenly (GCRA: a turn comes one interval after the previous one), so a cap of 5/s lets
 * no burst through. Pure but for its timer; `now` is injectable for tests.
 */
export class HostPacer {
  private readonly hosts = new Map<string, HostState>()
  private timer: ReturnType<typeof setTimeout> | null = null
  private closed = false

  constructor(
    /** Requests per second at most to one host; null: none. */
    private readonly cap: number | null,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Calls `go` with a ticket when the host's next request may start. The ticket goes back with the
   * answer (`answered`). Turns are handed out in the order asked.
   */
  turn(host: string, go: (ticket: number) => void, crawlDelayMs: number | null = null): void {
    const state = this.state(host)
    if (crawlDelayMs !== null && crawlDelayMs > 0) state.crawlDelayMs = crawlDelayMs
    state.waiting.push(() => go(++state.grants))
    this.pump()
  }

  /** What the host answered a request let through with `ticket`. */
  answered(host: string, ticket: number, throttled: boolean, retryAfterMs: number | null): void {
    const state = this.state(host)
    const now = this.now()
    if (!throttled) {
      state.recentOk.push(now)
      if (Number.isFinite(state.allowed))
        state.allowed = Math.min(this.cap ?? Infinity, state.allowed + INCREASE_PER_S / state.allowed)
      return
    }
    state.throttled++
    if (retryAfterMs !== null && retryAfterMs > 0)
      state.blockedUntil = Math.max(state.blockedUntil, now + Math.min(retryAfterMs, MAX_RETRY_AFTER_MS))
    // Requests already under way when the rate was cut answer from before the cut: one cut per window.
    if (ticket > state.cutAtGrant) {
      // Without a limit yet, start from what was sent; what the server answered well bounds it.
      let base = Number.isFinite(state.allowed) ? state.allowed : Math.max(lastSecond(state.recentGrants, now), 2)
      const tolerated = lastSecond(state.recentOk, now)
      if (tolerated > 0) base = Math.min(base, tolerated)
      state.allowed = Math.max(MIN_RATE, base / 2)
      state.cutAtGrant = state.grants
      state.backoffs++
    }
    this.pump()
  }

  /**
   * Requests a worker sent without asking (the host had no limit it knew of) and how many were
   * answered well, told in a batch afterwards: counted as granted and answered now, so the view and
   * the base of a later cut see them as they would have seen asked turns.
   */
  used(host: string, requests: number, ok: number): void {
    const state = this.state(host)
    const now = this.now()
    state.grants += requests
    state.requests += requests
    if (requests > 0) state.lastGrantAt = Math.max(state.lastGrantAt, now)
    for (let i = 0; i < requests; i++) state.recentGrants.push(now)
    for (let i = 0; i < ok; i++) {
      state.recentOk.push(now)
      if (Number.isFinite(state.allowed))
        state.allowed = Math.min(this.cap ?? Infinity, state.allowed + INCREASE_PER_S / state.allowed)
    }
    if (state.recentOk.length > 1024) lastSecond(state.recentOk, now)
    if (state.recentGrants.length > 1024) lastSecond(state.recentGrants, now)
  }

  /** The `limit` busiest hosts' paces, busiest first. */
  paces(limit = 20): HostPace[] {
    const now = this.now()
    return [...this.hosts]
      .sort((a, b) => b[1].requests - a[1].requests)
      .slice(0, limit)
      .map(([host, s]) => ({
        host,
        rate: Number.isFinite(s.allowed) ? Math.round(s.allowed * 100) / 100 : null,
        crawlDelayMs: s.crawlDelayMs,
        perSecond: lastSecond(s.recentGrants, now),
        requests: s.requests,
        throttled: s.throttled,
        backoffs: s.backoffs,
        waiting: s.waiting.length,
      }))
  }

  /** The job stopped: no more turns; waiting asks are dropped with it. */
  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    for (const state of this.hosts.values()) state.waiting.length = 0
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host)
    if (!state) {
      state = {
        allowed: this.cap ?? Infinity,
        crawlDelayMs: null,
        lastGrantAt: -Infinity,
        blockedUntil: 0,
        grants: 0,
        cutAtGrant: 0,
        recentOk: [],
        recentGrants: [],
        waiting: [],
        requests: 0,
        throttled: 0,
        backoffs: 0,
      }
      this.hosts.set(host, state)
    }
    return state
  }

  /** Grants every turn that is due and sets one timer for the soonest of the rest. */
  private pump(): void {
    if (this.closed) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const now = this.now()
    let soonest = Infinity
    for (const state of this.hosts.values()) {
      while (state.waiting.length) {
        const interval = Math.max(Number.isFinite(state.allowed) ? 1000 / state.allowed : 0, state.crawlDelayMs ?? 0)
        const at = Math.max(state.lastGrantAt + interval, state.blockedUntil)
        if (at > now) {
          soonest = Math.min(soonest, at)
          break
        }
        // From now, not from `at`: an idle host earns no burst, and a late timer only slows it.
        state.lastGrantAt = now
        state.requests++
        state.recentGrants.push(now)
        state.waiting.shift()!()
      }
      // Trimmed here too, so a host nobody looks at keeps only its last second.
      if (state.recentOk.length > 1024) lastSecond(state.recentOk, now)
      if (state.recentGrants.length > 1024) lastSecond(state.recentGrants, now)
    }
    if (soonest < Infinity) {
      this.timer = setTimeout(() => this.pump(), Math.max(1, soonest - now))
      // A farm that closes does not wait for a paced turn: the unit stays pending in the history.
      ;(this.timer as { unref?: () => void }).unref?.()
    }
  }
}

/** Drops the times older than a second from `times` (oldest first) and counts the rest. */
function lastSecond(times: number[], now: number): number {
  let old = 0
  while (old < times.length && times[old]! <= now - 1000) old++
  if (old) times.splice(0, old)
  return times.length
}

/** `5/s`, `300/min` or a bare number (per second) as requests per second; null when unreadable. */
export function parseRate(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute))?\s*$/i.exec(text)
  if (!match) return null
  const count = Number(match[1])
  if (!(count > 0)) return null
  const perMinute = match[2] !== undefined && match[2].toLowerCase().startsWith('m')
  return perMinute ? count / 60 : count
}
