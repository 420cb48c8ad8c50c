import { basename } from 'node:path'
import type { CopySpec } from '../../../shared/kinds/copy'
import { UserError } from '../../../shared/user-error'

/** A file, link or folder a copy finished, where it is below the destination (a rename applied). */
export interface CopiedEntry {
  path: string
  type: string
  size: number
  xxh128: string | null
}

/** What a verify plan knows of the copy it checks, read from the history (read-only). */
export interface CopyRecord {
  roots: string[]
  entries: CopiedEntry[]
}

/**
 * Reads a finished copy's entries from the history's `copy_files` view (migration 8). Opened
 * read-only: the farmer keeps writing while this worker reads (WAL).
 */
export async function readCopyRecord(history: string | undefined, copyJob: number): Promise<CopyRecord> {
  if (!history) throw new UserError('A verify job runs only where the history file can be read.', 'no-history')
  const { default: Sqlite } = await import('better-sqlite3')
  const db = new Sqlite(history, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    const job = db.prepare('SELECT kind, spec FROM jobs WHERE id = ?').get(copyJob) as
      { kind: string; spec: string } | undefined
    if (!job) throw new UserError(`There is no job ${copyJob} to verify.`, 'no-such-job')
    if (job.kind !== 'copy')
      throw new UserError(`Job ${copyJob} is not a copy: only a copy can be verified.`, 'not-a-copy')
    const spec = JSON.parse(job.spec) as CopySpec
    const rows = db
      .prepare("SELECT key, size, type, xxh128, renamed_to FROM copy_files WHERE job_id = ? AND state = 'done'")
      .all(copyJob) as { key: string; size: number; type: string; xxh128: string | null; renamed_to: string | null }[]
    const entries = rows.map((row) => ({
      path: destinationKey(row.key, row.renamed_to),
      type: row.type,
      size: row.size,
      xxh128: row.xxh128,
    }))
    return { roots: spec.sources.map((source) => basename(source.replace(/[\\/]+$/, ''))), entries }
  } finally {
    db.close()
  }
}

/** The key of an entry as it is named at the destination: folders lose their slash, renames apply. */
function destinationKey(key: string, renamedTo: string | null): string {
  const path = key.endsWith('/') ? key.slice(0, -1) : key
  if (!renamedTo) return path
  const slash = path.lastIndexOf('/')
  return `${path.slice(0, slash + 1)}${renamedTo}`
}
