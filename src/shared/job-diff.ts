import * as z from 'zod'

/** One field of a unit that differs between two runs, as text (null: the run has no value). */
export const fieldChangeSchema = z.object({
  field: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
})
export type FieldChange = z.infer<typeof fieldChangeSchema>

export const diffChanges = ['new', 'gone', 'changed'] as const

/** A unit (a URL, a file, an input) that is new in the later run, gone from it, or changed. */
export const diffRowSchema = z.object({
  key: z.string(),
  change: z.enum(diffChanges),
  fields: z.array(fieldChangeSchema),
})
export type DiffRow = z.infer<typeof diffRowSchema>

/** What changed between two runs of one kind: `a` is the earlier run, `b` the later one. */
export const jobDiffSchema = z.object({
  a: z.number().int(),
  b: z.number().int(),
  kind: z.string(),
  counts: z.object({
    new: z.number().int(),
    gone: z.number().int(),
    changed: z.number().int(),
    same: z.number().int(),
  }),
  /** The first `limit` rows, in the later run's order (gone ones last). */
  rows: z.array(diffRowSchema),
  /** What the comparison could not see, in sentences (skipped files, missing hashes). */
  notes: z.array(z.string()),
})
export type JobDiff = z.infer<typeof jobDiffSchema>

/** The fields each kind compares, in the order they are shown. */
export const diffFields: Record<string, readonly string[]> = {
  urls: ['status', 'redirect', 'title', 'description', 'canonical', 'h1', 'words', 'error'],
  copy: ['size', 'mtime', 'xxh128'],
  command: ['state', 'exit', 'stdout', 'stderr', 'error'],
  module: ['state', 'output', 'error'],
}
