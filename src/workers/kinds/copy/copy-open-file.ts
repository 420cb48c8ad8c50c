import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  futimesSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs'
import { onSide } from './errors'
import type { FileTask } from './copy-file'

/**
 * Files up to this size are copied here on Linux, in one read and one write; larger ones by
 * `copyFileSync`, whose copy stays in the kernel.
 */
export const SMALL_FILE = 128 * 1024
/** One buffer for every small file a worker copies: it copies one file at a time on this path. */
const buffer = Buffer.allocUnsafe(SMALL_FILE)
const umask = process.umask()
const euid = process.geteuid?.() ?? -1
const egid = process.getegid?.() ?? -1
const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL

/**
 * Copies a small file on Linux through two open files, its times and mode set on the open copy: 9
 * system calls where `copyFileSync` and a `utimes` by path made 12 (libuv sets the times, owner and
 * mode of the copy before writing it — the write then moves its mtime again — and looks the path up
 * once more). The temporary name is created exclusively, so a link planted there is never written
 * through; a part an interrupted run left there is removed first.
 */
export function copyOpenFile(task: FileTask, source: Stats): void {
  const input = onSide('source', () => openSync(task.srcPath, constants.O_RDONLY))
  try {
    const mode = source.mode & 0o777
    const output = onSide('destination', () =>
      createFresh(task.tempPath, () => openSync(task.tempPath, EXCLUSIVE, mode)),
    )
    try {
      copyBytes(input, output)
      onSide('destination', () => keepMetadata(task, output, source))
    } finally {
      closeSync(output)
    }
  } finally {
    closeSync(input)
  }
}

/**
 * Creates the temporary name `path` exclusively with `create`; what an interrupted run left there is
 * removed and the creation made again. Exclusive, a link planted under that name is never written through.
 */
export function createFresh<T>(path: string, create: () => T): T {
  try {
    return create()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  rmSync(path, { force: true })
  return create()
}

/** Reads to the end (a short read of a regular file is its end), writing all it reads. */
function copyBytes(input: number, output: number): void {
  for (let position = 0; ;) {
    const read = onSide('source', () => readSync(input, buffer, 0, buffer.length, position))
    for (let written = 0; written < read;) {
      const at = written
      written += onSide('destination', () => writeSync(output, buffer, at, read - at, position + at))
    }
    position += read
    if (read < buffer.length) return
  }
}

/**
 * The copy's times and exact mode when the job keeps them (`open` left the mode under the umask: the
 * mode of a copy that keeps none), and its owner where it can, as `copyFileSync` did: root copies
 * others' files as theirs, as `cp -a` does; anyone else's copies are theirs.
 */
function keepMetadata(task: FileTask, output: number, source: Stats): void {
  if (source.uid !== euid || source.gid !== egid) {
    try {
      fchownSync(output, source.uid, source.gid)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error
    }
  }
  if (!task.spec.preserve) return
  const mode = source.mode & 0o7777
  if (mode !== (source.mode & 0o777 & ~umask)) fchmodSync(output, mode)
  futimesSync(output, source.atimeMs / 1000, source.mtimeMs / 1000)
}
