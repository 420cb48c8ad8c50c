import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  type Stats,
} from 'node:fs'
import { copyFile, open, rm } from 'node:fs/promises'
import { basename } from 'node:path'
import type { CopyPayload, CopyResult, CopySpec } from '../../../shared/kinds/copy'
import { looksCopied } from './conflict'
import { copyOnMac } from './copy-on-mac'
import { copyOpenFile, createFresh, SMALL_FILE } from './copy-open-file'
import { onSide, onSideAsync, SideError, VerifyMismatch } from './errors'
import { fileDigest } from './verify'
import { linkTypeFor, renameIntoPlace, SymlinkNotPermitted } from './windows-fs'

/** Files from this size on are copied in chunks: in-file progress, and a cancel does not wait for the end. */
export const LARGE_FILE = 8 * 1024 * 1024
const CHUNK = 4 * 1024 * 1024
const umask = process.umask()
const windows = process.platform === 'win32'

export interface FileTask {
  spec: CopySpec
  payload: Extract<CopyPayload, { type: 'file' | 'link' }>
  srcPath: string
  /** The folder the copy goes into. */
  destDir: string
  /** The real name the copy ends up under. */
  destPath: string
  /** Where the copy is written until it is complete. */
  tempPath: string
  /** Folders this task already made sure of (one `mkdir` per folder, not per file). */
  madeDirs: Set<string>
  /** Folders this task created itself: nothing of an earlier run can be in them, so no need to look. */
  createdDirs: Set<string>
  /** The names in a destination folder as this task first saw it (see `dest-names.ts`), or null. */
  destNames?: (dir: string) => Set<string> | null
  /** How far apart kept times may be at the destination (its time precision). */
  timeSlackMs?: number
  signal: AbortSignal
  progress(bytes: number): void
}

/**
 * Copies one file or link: to the temporary name, with times or mode applied, verified when asked,
 * then renamed into place. The real name therefore only ever holds a complete copy, which is how a
 * resumed job knows that a file is finished. Small files take the synchronous path: no thread-pool
 * round trips, which dominate when copying thousands of small files.
 */
export async function copyEntry(task: FileTask): Promise<CopyResult | undefined> {
  const { spec, payload, srcPath, destPath, tempPath } = task
  const source = onSide('source', () => (spec.symlinks === 'follow' ? statSync(srcPath) : lstatSync(srcPath)))
  if (payload.type === 'file' ? !source.isFile() : !source.isSymbolicLink()) {
    throw new SideError(
      'source',
      Object.assign(new Error('The source changed from a file to something else since the plan.'), {
        code: 'ECHANGED',
      }),
    )
  }
  const dir = task.destDir
  if (!task.madeDirs.has(dir)) {
    // `mkdir -p` answers with the first folder it made: then the file's own folder is new too.
    if (onSide('destination', () => mkdirSync(dir, { recursive: true })) !== undefined) task.createdDirs.add(dir)
    task.madeDirs.add(dir)
  }
  if (!task.createdDirs.has(dir) && task.destNames?.(dir)?.has(basename(destPath)) !== false) {
    const existing = lstatSync(destPath, { throwIfNoEntry: false })
    if (existing && isFinished(task, source, existing)) {
      // A resumed copy's finished file keeps its hash too, or `verify` would call it extra.
      const kept = keepsHash(task) ? await onSideAsync('destination', () => fileDigest(destPath, task.signal)) : null
      return { ...result(task, 'complete'), ...(kept ? { xxh128: kept } : {}) }
    }
  }
  let digest: string | undefined
  try {
    if (payload.type === 'link') copyLink(task, source)
    else {
      // Sets the times and mode on the open copy itself.
      const openFile = process.platform === 'linux' && source.size <= SMALL_FILE
      if (process.platform === 'darwin' && spec.metadata) await copyOnMac(task, source)
      else if (source.size >= LARGE_FILE) await copyLarge(task, source)
      else if (openFile) copyOpenFile(task, source)
      else copySmall(task)
      if (!openFile)
        onSide('destination', () =>
          spec.preserve
            ? utimesSync(tempPath, source.atimeMs / 1000, source.mtimeMs / 1000)
            : chmodSync(tempPath, source.mode & 0o777 & ~umask),
        )
      if (spec.verify) digest = await verify(task)
      else if (spec.keepHashes) digest = await onSideAsync('destination', () => fileDigest(tempPath, task.signal))
    }
    await onSideAsync('destination', () => renameIntoPlace(tempPath, destPath))
  } catch (error) {
    rmSync(tempPath, { force: true })
    throw error
  }
  if (!digest && !task.payload.renameTo) return undefined // the common case: sent and stored as nothing
  return { ...result(task, 'copied'), ...(digest ? { xxh128: digest } : {}) }
}

/** A file whose xxh128 the history keeps, for `task-farm verify` later. */
function keepsHash(task: FileTask): boolean {
  return task.payload.type === 'file' && (task.spec.verify || task.spec.keepHashes)
}

/** Whether the destination is this job's finished copy (from an earlier, interrupted run). */
function isFinished(task: FileTask, source: Stats, existing: Stats): boolean {
  if (task.payload.type === 'link') {
    return existing.isSymbolicLink() && readlinkSync(task.destPath) === readlinkSync(task.srcPath)
  }
  if (!existing.isFile() || existing.size !== source.size) return false
  if (task.spec.preserve) return looksCopied(source, existing, task.timeSlackMs)
  // Without kept times, a replaced file is known by its new inode; a new file by being there at all.
  return task.payload.replaces === undefined || existing.ino !== task.payload.replaces
}

function result(task: FileTask, outcome: CopyResult['outcome']): CopyResult {
  return task.payload.renameTo ? { outcome, renamedTo: task.payload.renameTo } : { outcome }
}

function copySmall(task: FileTask): void {
  try {
    // No clone attempt for small files: one failed ioctl per file costs more than a clone saves.
    // Exclusive: the temporary name is this job's, so nothing is there to compare and truncate first
    // (two system calls fewer per file).
    createFresh(task.tempPath, () => copyFileSync(task.srcPath, task.tempPath, constants.COPYFILE_EXCL))
  } catch (error) {
    throw new SideError(blame(task.srcPath), error)
  }
}

/**
 * Tries a copy-on-write clone first (Linux: FICLONE on btrfs, XFS; macOS without metadata gets
 * ENOSYS and copies), then copies in chunks, reporting progress and heeding a cancel.
 */
async function copyLarge(task: FileTask, source: Stats): Promise<void> {
  // Whatever lies under the temporary name (an interrupted run's part, a planted link) goes first; the
  // copy then creates the name itself (exclusive), so it never writes through a link.
  const fresh = (): Promise<void> => onSideAsync('destination', () => rm(task.tempPath, { force: true }))
  await fresh()
  try {
    await copyFile(task.srcPath, task.tempPath, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL)
    task.progress(source.size)
    return
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (!['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOTTY', 'ENOSYS'].includes(code ?? ''))
      throw new SideError(blame(task.srcPath), error)
  }
  await fresh() // what the failed clone may have left
  const input = await onSideAsync('source', () => open(task.srcPath, 'r'))
  try {
    const output = await onSideAsync('destination', () => open(task.tempPath, 'wx', source.mode & 0o777))
    try {
      const buffer = Buffer.allocUnsafe(CHUNK)
      let copied = 0
      for (;;) {
        task.signal.throwIfAborted()
        const { bytesRead } = await onSideAsync('source', () => input.read(buffer, 0, CHUNK, copied))
        if (bytesRead === 0) break
        for (let written = 0; written < bytesRead;) {
          const at = written
          const { bytesWritten } = await onSideAsync('destination', () =>
            output.write(buffer, at, bytesRead - at, copied + at),
          )
          written += bytesWritten
        }
        copied += bytesRead
        task.progress(copied)
      }
      await onSideAsync('destination', () => output.chmod(source.mode & 0o7777))
    } finally {
      await output.close()
    }
  } finally {
    await input.close()
  }
}

function copyLink(task: FileTask, source: Stats): void {
  const target = onSide('source', () => readlinkSync(task.srcPath))
  // Windows needs to know a folder link is one, from its source (the target may not be copied yet).
  const type = windows
    ? linkTypeFor(target, statSync(task.srcPath, { throwIfNoEntry: false })?.isDirectory() ?? false)
    : null
  onSide('destination', () => {
    rmSync(task.tempPath, { force: true })
    try {
      symlinkSync(target, task.tempPath, type)
    } catch (error) {
      if (windows && (error as NodeJS.ErrnoException).code === 'EPERM') throw new SymlinkNotPermitted()
      throw error
    }
    if (task.spec.preserve) lutimesSync(task.tempPath, source.atimeMs / 1000, source.mtimeMs / 1000)
  })
}

async function verify(task: FileTask): Promise<string> {
  const [a, b] = await Promise.all([
    onSideAsync('source', () => fileDigest(task.srcPath, task.signal)),
    onSideAsync('destination', () => fileDigest(task.tempPath, task.signal)),
  ])
  if (a !== b) throw new VerifyMismatch()
  return a
}

/** `copyFile` does not say which end failed: the source is to blame when it cannot be read. */
function blame(srcPath: string): 'source' | 'destination' {
  try {
    accessSync(srcPath, constants.R_OK)
    return 'destination'
  } catch {
    return 'source'
  }
}
