import { z } from 'zod'
import { jobEndActionsSchema } from './job-end-actions'
import { commandSpecSchema } from './kinds/command'
import { quoteWords } from './kinds/command-line'
import { copySpecSchema } from './kinds/copy'
import { moduleSpecSchema } from './kinds/module'
import { probeSpecSchema } from './kinds/probe'
import { urlsSpecSchema } from './kinds/urls'
import { verifySpecSchema } from './kinds/verify'

/** A job's specification: what to do, validated at every boundary (IPC, WebSocket, CLI, store). */
export const jobSpecSchema = z.discriminatedUnion('kind', [
  copySpecSchema,
  urlsSpecSchema,
  probeSpecSchema,
  commandSpecSchema,
  moduleSpecSchema,
  verifySpecSchema,
])
export type JobSpec = z.infer<typeof jobSpecSchema>
/** The spec as a caller may write it: options with defaults may be left out. */
export type JobSpecInput = z.input<typeof jobSpecSchema>
export type JobKind = JobSpec['kind']
export const jobKinds = ['copy', 'urls', 'probe', 'command', 'module', 'verify'] as const satisfies readonly JobKind[]

export const poolNames = ['disk', 'network', 'cpu'] as const
export const poolNameSchema = z.enum(poolNames)
export type PoolName = z.infer<typeof poolNameSchema>

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

/**
 * A job's slots (GNU parallel's job slots): the most of its units running at once across the whole
 * farm, local workers and remote hosts together. Infinity: only the pool's workers bound it.
 */
export function jobSlots(spec: JobSpec): number {
  switch (spec.kind) {
    case 'command':
      return spec.jobs
    case 'urls':
      return spec.concurrency
    case 'module':
      return spec.concurrency ?? Infinity
    default:
      return Infinity
  }
}

/** Options of a job beside its spec. */
export const jobOptionsSchema = z.object({
  /** Higher runs first; equal priorities run in the order they were made. */
  priority: z.number().int().min(-100).max(100).default(0),
  /** Plan only (a dry run): count, list and check, change nothing. */
  planOnly: z.boolean().default(false),
  /**
   * Jobs this one follows: it waits until they have finished, then runs (`--after`), or only if each
   * with `ok` completed without errors, else it ends `skipped` (`--after-ok`).
   */
  after: z
    .array(z.object({ jobId: z.number().int().min(1), ok: z.boolean().default(false) }))
    .max(100)
    .default([]),
  /** What the owning farm does when the job ends (`--then-notify`, `--then-run`). */
  then: jobEndActionsSchema.optional(),
  /**
   * GNU parallel's `--memfree` in bytes: below it none of its units starts; below half of it, its
   * youngest running unit is stopped and queued again (`requeueSafe` kinds). Absent: the farm's setting.
   * An option beside the spec, as the priority: it says how the farm runs the job, not what a unit does.
   */
  memfree: z
    .number()
    .int()
    .min(0)
    .max(2 ** 50)
    .optional(),
})
export type JobOptions = z.infer<typeof jobOptionsSchema>

/** A short human title for a job, for lists, the tray and notifications. */
export function jobTitle(spec: JobSpec): string {
  switch (spec.kind) {
    case 'copy':
      return `Copy ${spec.sources.length === 1 ? spec.sources[0] : `${spec.sources.length} folders`} → ${spec.destination}`
    case 'urls':
      if (spec.input.type === 'job') return `Analyse URLs of job ${spec.input.jobId}`
      if (spec.input.type === 'crawl') return `Crawl ${spec.input.url}`.slice(0, 200)
      return spec.input.type === 'file' ? `Analyse URLs in ${spec.input.path}` : 'Analyse pasted URLs'
    case 'probe':
      return `Probe ×${spec.count}`
    case 'command':
      return `Run ${spec.shell ? spec.command.join(' ') : quoteWords(spec.command)}`.slice(0, 200)
    case 'module':
      return `Map ${spec.module}`
    case 'verify':
      return `Verify copy ${spec.copyJob} at ${spec.destination}`
  }
}
