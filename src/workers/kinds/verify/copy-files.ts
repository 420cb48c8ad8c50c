import { basename } from 'node:path'
import { copiedEntries, type CopiedEntry, type StoredItem } from '../../../shared/copied-files'
import type { CopySpec } from '../../../shared/kinds/copy'
import { UserError } from '../../../shared/user-error'
import { loadSqlite } from '../../history-reader'

/** What a verify plan knows of the copy it checks, read from the history (read-only). */
export interface CopyRecord {
  /** The source folders' names: the folders below the destination the copy wrote into. */
  roots: string[]
  entries: CopiedEntry[]
}

/**
 * Reads a finished copy's entries from the history, an item at a time. Opened read-only: the farmer
 * keeps writing while this worker reads (WAL).
 */
export async function readCopyRecord(history: string | undefined, copyJob: number): Promise<CopyRecord> {
  if (!history) throw new UserError('A verify job runs only where the history file can be read.', 'no-history')
  const Sqlite = await loadSqlite()
  const db = new Sqlite(history, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    const job = db.prepare('SELECT kind, spec FROM jobs WHERE id = ?').get(copyJob) as
      { kind: string; spec: string } | undefined
    if (!job) throw new UserError(`There is no job ${copyJob} to verify.`, 'no-such-job')
    if (job.kind !== 'copy')
      throw new UserError(`Job ${copyJob} is not a copy: only a copy can be verified.`, 'not-a-copy')
    const spec = JSON.parse(job.spec) as CopySpec
    const entries: CopiedEntry[] = []
    const items = db
      .prepare('SELECT units, marks, results FROM items WHERE job_id = ? ORDER BY id')
      .iterate(copyJob) as Iterable<StoredItem>
    for (const item of items) entries.push(...copiedEntries(item))
    return { roots: spec.sources.map((source) => basename(source.replace(/[\\/]+$/, ''))), entries }
  } finally {
    db.close()
  }
}
