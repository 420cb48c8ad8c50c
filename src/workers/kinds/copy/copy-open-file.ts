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
import { SideError } from './errors'
import type { FileTask } from './copy-file'

/** One buffer for every small file a worker copies: it copies one file at a time on this path. */
const buffer = Buffer.allocUnsafe(128 * 1024)
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
  const input = open('source', task.srcPath, constants.O_RDONLY)
  try {
    const output = createExclusive(task.tempPath, source.mode & 0o777)
    try {
      copyBytes(input, output)
      keepMetadata(task, output, source)
    } finally {
      closeSync(output)
    }
  } finally {
    closeSync(input)
  }
}

function createExclusive(path: string, mode: number): number {
  try {
    return openSync(path, EXCLUSIVE, mode)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new SideError('destination', error)
  }
  // What an interrupted run left under the temporary name: replaced.
  try {
    rmSync(path, { force: true })
  } catch (error) {
    throw new SideError('destination', error)
  }
  return open('destination', path, EXCLUSIVE, mode)
}

/** Reads to the end (a short read of a regular file is its end), writing all it reads. */
function copyBytes(input: number, output: number): void {
  for (let position = 0; ;) {
    let read: number
    try {
      read = readSync(input, buffer, 0, buffer.length, position)
    } catch (error) {
      throw new SideError('source', error)
    }
    for (let written = 0; written < read;) {
      try {
        written += writeSync(output, buffer, written, read - written, position + written)
      } catch (error) {
        throw new SideError('destination', error)
      }
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
  try {
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
  } catch (error) {
    throw new SideError('destination', error)
  }
}

function open(side: 'source' | 'destination', path: string, flags: number, mode?: number): number {
  try {
    return openSync(path, flags, mode)
  } catch (error) {
    throw new SideError(side, error)
  }
}
