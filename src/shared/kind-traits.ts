import type { JobKind, PoolName } from './job-spec'

/** How a unit that failed retryably goes again: attempts in all, and the wait before each retry. */
export interface RetryDefaults {
  /** Tries in all (1: never again). */
  attempts: number
  backoff: 'fixed' | 'exponential'
  /** The wait before the first retry (exponential: doubled for each later one). */
  delayMs: number
  /** No wait is longer than this. */
  maxDelayMs: number
}

/**
 * How the farm runs a kind: which pool, how many units a planned item packs, how units are retried,
 * and how durable an outcome is before its slot takes the next unit. The one place for these rules.
 */
export interface KindTraits {
  label: string
  pool: PoolName
  /** Upper bound of units in one item (and in a task before the job's pace is known); at most 65,536. */
  batchItems: number
  /** Upper bound of unit bytes in one item (0: no bound). */
  batchBytes: number
  /** Retries of a unit whose run failed retryably (a spec's `retries`/`retryDelayS` override them). */
  retry: RetryDefaults
  /** Attempts for a unit whose worker died under it before the unit fails alone (apart from `retry`). */
  maxCrashes: number
  /**
   * Units of a task run one after another, so a task's time grows with its units and tasks can be
   * sized by time (the default). False for kinds that run a task's units at once (URLs, commands,
   * modules) when the job has slots: a task of k units takes k of them. Without slots (a module
   * job without `concurrency`) they run in turn.
   */
  sequential?: boolean
  /**
   * A unit costs enough (or has side effects: a command) that its outcome is written to SQLite
   * before its slot takes the next unit; after kill -9 of everything only running units run again.
   * Cheap idempotent units (a file copy, a probe, a URL) ride in the writer's 250 ms batches.
   * `by-cost`: durable until the job's units are seen to take less than `CHEAP_UNIT_MS` each.
   */
  durable: boolean | 'by-cost'
}

/** A unit that takes less than this is cheap: its outcome may ride in a batch of writes. */
export const CHEAP_UNIT_MS = 5

export const kindTraits: Record<JobKind, KindTraits> = {
  copy: {
    label: 'Copy folder',
    pool: 'disk',
    batchItems: 2048,
    batchBytes: 64 * 1024 * 1024,
    retry: { attempts: 3, backoff: 'fixed', delayMs: 0, maxDelayMs: 0 },
    maxCrashes: 3,
    durable: false,
  },
  urls: {
    label: 'Analyse URLs',
    pool: 'network',
    batchItems: 64,
    batchBytes: 0,
    // 429, 503 and network errors: a server's Retry-After (up to 30 s) wins over the backoff.
    retry: { attempts: 3, backoff: 'exponential', delayMs: 500, maxDelayMs: 10_000 },
    maxCrashes: 3,
    sequential: false,
    durable: false,
  },
  probe: {
    label: 'Probe',
    pool: 'cpu',
    batchItems: 8192,
    batchBytes: 0,
    retry: { attempts: 3, backoff: 'fixed', delayMs: 0, maxDelayMs: 0 },
    maxCrashes: 3,
    durable: false,
  },
  // One unit per task: a command's outcome is durable before its slot runs the next input.
  command: {
    label: 'Run a command',
    pool: 'cpu',
    batchItems: 8,
    batchBytes: 0,
    retry: { attempts: 1, backoff: 'fixed', delayMs: 0, maxDelayMs: 60_000 },
    maxCrashes: 3,
    sequential: false,
    durable: true,
  },
  module: {
    label: 'Map a module',
    pool: 'cpu',
    batchItems: 1024,
    batchBytes: 0,
    retry: { attempts: 1, backoff: 'fixed', delayMs: 0, maxDelayMs: 60_000 },
    maxCrashes: 3,
    sequential: false,
    // A call of a few milliseconds or more is durable; Pool.map of a pure function is not slowed down.
    durable: 'by-cost',
  },
  // Re-reads a copy's destination: disk-bound like the copy, idempotent, so batched.
  verify: {
    label: 'Verify a copy',
    pool: 'disk',
    batchItems: 1024,
    batchBytes: 64 * 1024 * 1024,
    retry: { attempts: 2, backoff: 'fixed', delayMs: 0, maxDelayMs: 0 },
    maxCrashes: 3,
    durable: false,
  },
}
