import type Database from 'better-sqlite3'
import { resolve } from 'node:path'
import type { CopySpec } from '../shared/kinds/copy'
import type { VerifySpec } from '../shared/kinds/verify'
import { UserError } from '../shared/user-error'

/** The spec of a job that verifies copy `jobId` later, or one sentence why it cannot be verified. */
export function verifySpecFor(db: Database.Database, jobId: number): VerifySpec {
  const row = db.prepare('SELECT kind, spec FROM jobs WHERE id = ?').get(jobId) as
    { kind: string; spec: string } | undefined
  if (!row) throw new UserError(`There is no job ${jobId}.`, 'no-such-job')
  if (row.kind !== 'copy') throw new UserError(`Job ${jobId} is not a copy: only a copy can be verified.`, 'not-a-copy')
  const spec = JSON.parse(row.spec) as CopySpec
  if (!spec.verify && !spec.keepHashes)
    throw new UserError(
      `Copy ${jobId} kept no file hashes, so there is nothing to check against: copy with --keep-hashes (or --verify) to verify it later.`,
      'no-hashes',
    )
  return { kind: 'verify', copyJob: jobId, destination: resolve(spec.destination) }
}
