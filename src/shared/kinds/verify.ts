import * as z from 'zod'

/**
 * A verify job: re-reads a finished copy's destination and checks every file against the xxh128 the
 * copy kept (`verify` or `keepHashes`), long after the copy: changed, missing and extra files are
 * its failed units. `destination` is the copy's, resolved when the verify job is made.
 */
export const verifySpecSchema = z.lazy(() =>
  z.object({
    kind: z.literal('verify'),
    /** The copy job whose hashes are checked. */
    copyJob: z.number().int().positive(),
    destination: z.string().min(1, 'Give the destination folder to verify.'),
  }),
)
export type VerifySpec = z.infer<typeof verifySpecSchema>

/** A unit of a verify job: a file the copy hashed, or one found at the destination that it never made. */
export type VerifyPayload = { xxh128: string } | { extra: true }

/** Why a verify unit failed: the file's content differs, it is gone, or the copy never made it. */
export const verifyProblems = ['changed', 'missing', 'extra'] as const
export type VerifyProblem = (typeof verifyProblems)[number]
