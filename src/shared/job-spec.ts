import * as z from 'zod'
import { jobEndActionsSchema } from './job-end-actions'
import { commandSpecSchema } from './kinds/command'
import { quoteWords } from './kinds/command-line'
import { copySpecSchema } from './kinds/copy'
import { moduleSpecSchema } from './kinds/module'
import { probeSpecSchema } from './kinds/probe'
import { urlsSpecSchema } from './kinds/urls'
import { verifySpecSchema } from './kinds/verify'

/** A job's specification: what to do, validated at every boundary (IPC, WebSocket, CLI, store). */
export const jobSpecSchema = z.lazy(() =>
  z.discriminatedUnion('kind', [
    copySpecSchema,
    urlsSpecSchema,
    probeSpecSchema,
    commandSpecSchema,
    moduleSpecSchema,
    verifySpecSchema,
  ]),
)
export type JobSpec = z.infer<typeof jobSpecSchema>

const specSchemas = {
  copy: copySpecSchema,
  urls: urlsSpecSchema,
  probe: probeSpecSchema,
  command: commandSpecSchema,
  module: moduleSpecSchema,
  verify: verifySpecSchema,
} as const

/**
 * The schema to parse a spec with: its kind's own, else the union (which says which kinds there are).
 * Each kind's schema is built on its first use, and the union's first parse builds every kind's: a CLI
 * run that parses one spec builds one (the rest took a tenth of its start-up).
 */
export function jobSpecSchemaFor(input: unknown): typeof jobSpecSchema {
  const kind = (input as { kind?: unknown } | null)?.kind
  return typeof kind === 'string' && Object.hasOwn(specSchemas, kind)
    ? (specSchemas[kind as JobKind] as unknown as typeof jobSpecSchema)
    : jobSpecSchema
}
/** The spec as a caller may write it: options with defaults may be left out. */
export type JobSpecInput = z.input<typeof jobSpecSchema>
export type JobKind = JobSpec['kind']
export const jobKinds = ['copy', 'urls', 'probe', 'command', 'module', 'verify'] as const satisfies readonly JobKind[]

export const poolNames = ['disk', 'network', 'cpu'] as const
export const poolNameSchema = z.enum(poolNames)
export type PoolName = z.infer<typeof poolNameSchema>

// The kinds' traits live in a module of their own, without zod: a worker needs them, not the schemas.
export { CHEAP_UNIT_MS, kindTraits, type KindTraits, type RetryDefaults } from './kind-traits'

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
      if (spec.input.type === 'sitemap') return `Analyse the sitemap ${spec.input.source}`.slice(0, 200)
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
