import { z } from 'zod'

export const conflictPolicies = ['skip', 'overwrite', 'newer', 'different', 'rename'] as const
export const symlinkModes = ['copy', 'follow', 'skip'] as const

/** A copy job: every file and empty folder of each source folder into `destination`. */
export const copySpecSchema = z.object({
  kind: z.literal('copy'),
  sources: z.array(z.string().min(1, 'A source path is empty.')).min(1, 'Give at least one source folder.'),
  destination: z.string().min(1, 'Give a destination folder.'),
  onConflict: z.enum(conflictPolicies).default('skip'),
  verify: z.boolean().default(false),
  /** Keep modification times and permission bits. */
  preserve: z.boolean().default(true),
  symlinks: z.enum(symlinkModes).default('copy'),
  include: z.array(z.string().min(1)).default([]),
  exclude: z.array(z.string().min(1)).default([]),
  /** Go on even when the destination seems too small. */
  ignoreFreeSpace: z.boolean().default(false),
})
export type CopySpec = z.infer<typeof copySpecSchema>
