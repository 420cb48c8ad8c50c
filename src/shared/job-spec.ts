import { z } from 'zod'
import { commandSpecSchema } from './kinds/command'
import { quoteWords } from './kinds/command-line'
import { copySpecSchema } from './kinds/copy'
import { moduleSpecSchema } from './kinds/module'
import { probeSpecSchema } from './kinds/probe'
import { urlsSpecSchema } from './kinds/urls'

/** A job's specification: what to do, validated at every boundary (IPC, WebSocket, CLI, store). */
export const jobSpecSchema = z.discriminatedUnion('kind', [
  copySpecSchema,
  urlsSpecSchema,
  probeSpecSchema,
  commandSpecSchema,
  moduleSpecSchema,
])
export type JobSpec = z.infer<typeof jobSpecSchema>
/** The spec as a caller may write it: options with defaults may be left out. */
export type JobSpecInput = z.input<typeof jobSpecSchema>
export type JobKind = JobSpec['kind']
export const jobKinds = ['copy', 'urls', 'probe', 'command', 'module'] as const satisfies readonly JobKind[]

export const poolNames = ['disk', 'network', 'cpu'] as const
export const poolNameSchema = z.enum(poolNames)
export type PoolName = z.infer<typeof poolNameSchema>

/**
 * How the farm runs a kind: which pool, how many units a planned item packs, how often to retry.
 * Tasks are sized by time (what earlier tasks of the job took), these bounds only cap an item.
 */
export interface KindTraits {
  label: string
  pool: PoolName
  /** Upper bound of units in one item (and in a task before the job's pace is known); at most 65,536. */
  batchItems: number
  /** Upper bound of unit bytes in one item (0: no bound). */
  batchBytes: number
  /** Attempts for a unit whose run failed with a retryable error. */
  maxAttempts: number
  /** Attempts for a unit whose worker died under it before the unit fails alone. */
  maxCrashes: number
  /**
   * Units of a task run one after another, so a task's time grows with its units and tasks can be
   * sized by time (the default). False for kinds that run a task's units at once (URLs): their
   * tasks take `batchItems` units, or a fair share of what is left.
   */
  sequential?: boolean
}

export const kindTraits: Record<JobKind, KindTraits> = {
  copy: {
    label: 'Copy folder',
    pool: 'disk',
    batchItems: 2048,
    batchBytes: 64 * 1024 * 1024,
    maxAttempts: 3,
    maxCrashes: 3,
  },
  urls: {
    label: 'Analyse URLs',
    pool: 'network',
    batchItems: 64,
    batchBytes: 0,
    maxAttempts: 1,
    maxCrashes: 3,
    sequential: false,
  },
  probe: { label: 'Probe', pool: 'cpu', batchItems: 8192, batchBytes: 0, maxAttempts: 3, maxCrashes: 3 },
  // Small batches: `--halt soon` lets the batches in hand finish. Retries are the job's own (`--retries`).
  command: { label: 'Run a command', pool: 'cpu', batchItems: 8, batchBytes: 0, maxAttempts: 1, maxCrashes: 3 },
  module: { label: 'Map a module', pool: 'cpu', batchItems: 1024, batchBytes: 0, maxAttempts: 1, maxCrashes: 3 },
}

/** Options of a job beside its spec. */
export const jobOptionsSchema = z.object({
  /** Higher runs first; equal priorities run in the order they were made. */
  priority: z.number().int().min(-100).max(100).default(0),
  /** Plan only (a dry run): count, list and check, change nothing. */
  planOnly: z.boolean().default(false),
})
export type JobOptions = z.infer<typeof jobOptionsSchema>

/** A short human title for a job, for lists, the tray and notifications. */
export function jobTitle(spec: JobSpec): string {
  switch (spec.kind) {
    case 'copy':
      return `Copy ${spec.sources.length === 1 ? spec.sources[0] : `${spec.sources.length} folders`} → ${spec.destination}`
    case 'urls':
      return spec.input.type === 'file' ? `Analyse URLs in ${spec.input.path}` : 'Analyse pasted URLs'
    case 'probe':
      return `Probe ×${spec.count}`
    case 'command':
      return `Run ${spec.shell ? spec.command.join(' ') : quoteWords(spec.command)}`.slice(0, 200)
    case 'module':
      return `Map ${spec.module}`
  }
}
