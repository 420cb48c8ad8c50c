import { readFileSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs'
import { dirname, extname, join, resolve } from 'node:path'
import { UserError } from '../shared/user-error'

/**
 * Where an export may be written. A user's mistake (a NUL byte, a folder, a wrong extension, a file
 * that is not ours) is one sentence; an existing file is replaced only when it is an earlier export
 * of the same job, untouched since, or when the user said so (`--force`, a save dialog that asked).
 */
export function checkExportTarget(
  file: string,
  format: 'csv' | 'json',
  jobId: number,
  ledger: ExportLedger | null,
  overwrite: boolean,
): string {
  if (file.includes('\0')) throw new UserError('An export file name cannot contain a NUL character.', 'bad-export-path')
  const path = resolve(file)
  const ext = extname(path).toLowerCase()
  if (ext !== `.${format}`) {
    throw new UserError(
      `A ${format.toUpperCase()} export needs a .${format} file name (not "${file}").`,
      'bad-export-path',
    )
  }
  let info: Stats | undefined
  try {
    info = statSync(path, { throwIfNoEntry: false })
  } catch (error) {
    throw unwritable(path, error)
  }
  if (!info) return path
  if (info.isDirectory()) throw new UserError(`${path} is a folder: give the export a file name.`, 'export-is-folder')
  if (!info.isFile()) throw new UserError(`${path} is not a regular file: choose another name.`, 'export-not-file')
  if (overwrite || ledger?.isExportOf(path, jobId, info)) return path
  // Units exports across jobs have no job (0) and no ledger: any existing file is someone else's.
  const whose = jobId > 0 ? `is not an earlier export of job ${jobId}` : 'would be replaced'
  throw new UserError(
    `${path} already exists and ${whose}: choose another name, or allow replacing it (--force).`,
    'export-exists',
  )
}

/** A file-system failure while writing an export, as the sentence the user needs. */
export function unwritable(path: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  const why: Record<string, string> = {
    ENOENT: 'its folder does not exist',
    ENOTDIR: 'a part of its folder path is a file',
    EISDIR: 'it is a folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the disk is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    ENAMETOOLONG: 'the name is too long',
    ELOOP: 'it has too many symbolic links',
    EBUSY: 'another program holds it open (close it there and export again)',
  }
  const reason = why[code] ?? (error as Error).message
  return new UserError(`Cannot write ${path}: ${reason}.`, 'export-unwritable')
}

interface LedgerEntry {
  jobId: number
  size: number
  mtimeMs: number
}

/**
 * Which files are exports the farm wrote, kept beside the history (`exports.json`): a file still
 * as we left it (same size and time) is ours to replace when the same job is exported again.
 */
export class ExportLedger {
  private static readonly maxEntries = 500
  constructor(private readonly file: string) {}

  /** The ledger of the history at `dbPath`, or null for an in-memory history. */
  static beside(dbPath: string): ExportLedger | null {
    return dbPath && dbPath !== ':memory:' ? new ExportLedger(join(dirname(resolve(dbPath)), 'exports.json')) : null
  }

  isExportOf(path: string, jobId: number, info: Stats): boolean {
    const entry = this.read()[path]
    return !!entry && entry.jobId === jobId && entry.size === info.size && entry.mtimeMs === info.mtimeMs
  }

  record(path: string, jobId: number): void {
    try {
      const info = statSync(path)
      const entries = Object.entries(this.read()).filter(([p]) => p !== path)
      entries.push([path, { jobId, size: info.size, mtimeMs: info.mtimeMs }])
      const temp = `${this.file}.${process.pid}.part`
      writeFileSync(temp, JSON.stringify(Object.fromEntries(entries.slice(-ExportLedger.maxEntries))))
      renameSync(temp, this.file)
    } catch {
      // Only a convenience: without the record, a later export of this job asks before replacing.
    }
  }

  private read(): Record<string, LedgerEntry> {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'))
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, LedgerEntry>)
        : {}
    } catch {
      return {}
    }
  }
}

/** The export's format, by its file name: a .csv or .json name. */
export function exportFormat(file: string): 'csv' | 'json' {
  const ext = extname(file).toLowerCase()
  if (ext === '.json') return 'json'
  if (ext === '.csv') return 'csv'
  throw new UserError(`Give the export file a .csv or .json name (not "${file}").`, 'bad-export-path')
}
