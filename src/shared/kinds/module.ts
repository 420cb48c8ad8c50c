import * as z from 'zod'
import { jobInputSchema, retryDelaySchema } from './command'

/** A module job: the default export of the person's own module runs once per input (Python's `Pool.map`). */
export const moduleSpecSchema = z.lazy(() =>
  z.object({
    kind: z.literal('module'),
    /** Absolute path of a `.mjs`, `.js` or `.ts` module whose default export is `(input, context) => result`. */
    module: z.string().min(1, 'Give the module to run.'),
    input: jobInputSchema,
    /**
     * Calls in flight at once for the whole job, on every worker together (its job slots); more than
     * the workers suits async functions that wait on I/O. Unset: one per worker.
     */
    concurrency: z.number().int().min(1).max(1000).optional(),
    /** Extra calls of an input whose call threw (the farm's retry policy runs them). */
    retries: z.number().int().min(0).max(100).default(0),
    retryDelayS: retryDelaySchema,
  }),
)
export type ModuleSpec = z.infer<typeof moduleSpecSchema>
