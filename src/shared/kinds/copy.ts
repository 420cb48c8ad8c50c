import * as z from 'zod'

export const conflictPolicies = ['skip', 'overwrite', 'newer', 'different', 'rename'] as const
export type ConflictPolicy = (typeof conflictPolicies)[number]
export const symlinkModes = ['copy', 'follow', 'skip'] as const

/**
 * A copy job: each source folder is copied, with every file and empty folder, into `destination`
 * as `destination/<source folder name>` (like `cp -a SRC... DST`).
 */
export const copySpecSchema = z.lazy(() =>
  z.object({
    kind: z.literal('copy'),
    sources: z.array(z.string().min(1, 'A source path is empty.')).min(1, 'Give at least one source folder.'),
    destination: z.string().min(1, 'Give a destination folder.'),
    /** What to do with a file that is already at the destination. */
    onConflict: z.enum(conflictPolicies).default('skip'),
    /** Compare a checksum (xxh128) of each source and its copy before the copy takes the real name. */
    verify: z.boolean().default(false),
    /** Keep each file's xxh128 in the history (read from the copy) without verifying, for `verify` later. */
    keepHashes: z.boolean().default(false),
    /** Keep modification times and permission bits. */
    preserve: z.boolean().default(true),
    symlinks: z.enum(symlinkModes).default('copy'),
    /** Globs; a pattern without `/` matches a name anywhere, one with `/` a path below the source folder. */
    include: z.array(z.string().min(1)).default([]),
    exclude: z.array(z.string().min(1)).default([]),
    /**
     * Keep extended attributes and ACLs (Finder tags, resource forks, `com.apple.quarantine`): on macOS
     * a same-volume copy is an APFS clone, another volume's goes through the system's copy. False: bytes
     * only. Linux and Windows copies keep none of these yet.
     */
    metadata: z.boolean().default(true),
    /** Leave out the files systems leave behind: `.DS_Store`, `._*` (AppleDouble), `Thumbs.db`. */
    skipSystemFiles: z.boolean().default(true),
    /** Go on even when the destination seems too small. */
    ignoreFreeSpace: z.boolean().default(false),
  }),
)
export type CopySpec = z.infer<typeof copySpecSchema>

// In a module without zod, so a copy's worker loads no schemas.
export { systemFilePatterns } from './system-files'

/**
 * One planned item of a copy job. Its key is the path below the destination folder
 * (`<source folder name>/a/b.txt`; folders end with `/`). Conflict decisions are taken at plan time
 * and carried here, so a resumed item can tell "our own finished copy" from "a file that was there before".
 */
export type CopyPayload =
  | {
      type: 'file' | 'link'
      /** Index into `spec.sources`. */
      source: number
      /** The destination existed at plan time and is to be replaced; its inode then. */
      replaces?: number
      /** Keep both: the copy takes this name in the same folder. */
      renameTo?: string
      /** Why this entry cannot be copied (found at plan time); the item fails with this sentence. */
      problem?: string
      /** The source's modification time at plan time (ms, whole), so two runs can be compared. */
      mtime?: number
    }
  | {
      type: 'folder'
      source: number
      /**
       * Entries the folder will hold once the job is done, so its times are set after its content (0:
       * none to wait for). A folder with units inside is also handed out only once every other unit of
       * the job settled (role `last`), so its content is in place even after a worker died under it.
       */
      expect: number
      problem?: string
    }
  | {
      /**
       * A folder to list (the parallel walk of a large tree): the unit makes the destination folder,
       * decides each entry's conflict, and finds a unit for each file and link, a `walk` for each
       * subfolder, and the folder's own times (role `last`). Its key is the folder's with `*` after it.
       */
      type: 'walk'
      source: number
      problem?: string
    }

/**
 * What a copy item reports. A plain copy reports nothing (null): with a million small files, every
 * byte of result is paid for in messages and in the history.
 */
export interface CopyResult {
  /** `copied`, or `complete` when an earlier run had already finished it. */
  outcome: 'copied' | 'complete'
  /** Destination name when the copy was renamed to keep both. */
  renamedTo?: string
  /** xxh128 of the content when verified or asked to keep hashes. */
  xxh128?: string
}
