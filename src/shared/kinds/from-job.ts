import * as z from 'zod'

/** Which of the earlier job's units give inputs: those done (the default), those failed, or all. */
export const fromJobStates = ['done', 'failed', 'all'] as const
export type FromJobState = (typeof fromJobStates)[number]

/**
 * Inputs taken from another job's units (`--from ID [--state …] [--where TEXT]`): their keys, read
 * when this job's plan first goes out, so a job set up with `--after` reads what its predecessor left.
 * A key is a URL (urls), an input (run, map), a copied file's destination path (copy), a step (probe).
 */
export const fromJobInputSchema = z.lazy(() =>
  z.object({
    type: z.literal('job'),
    jobId: z.number().int().min(1),
    state: z.enum(fromJobStates).default('done'),
    /** Only keys that contain this text. */
    where: z.string().min(1).max(1000).optional(),
  }),
)
export type FromJobInput = z.infer<typeof fromJobInputSchema>

/** How the window and `show` say where such inputs come from. */
export function fromJobText(input: FromJobInput): string {
  const which = input.state === 'all' ? 'every unit' : `the ${input.state} units`
  return `${which} of job ${input.jobId}${input.where ? ` whose key contains "${input.where}"` : ''}`
}
