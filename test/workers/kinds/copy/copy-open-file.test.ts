import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FileTask } from '../../../../src/workers/kinds/copy/copy-file'
import { copyOpenFile } from '../../../../src/workers/kinds/copy/copy-open-file'
import { SideError } from '../../../../src/workers/kinds/copy/errors'
import { copySpec, planAndRun, tempDir } from './helpers'

/** A task for one file, as `runCopy` makes it (only what the open-file copy reads). */
function taskFor(srcPath: string, tempPath: string, preserve = true): FileTask {
  return {
    spec: copySpec({ sources: [srcPath], destination: tempPath, preserve }),
    srcPath,
    tempPath,
  } as FileTask
}

const umask = process.umask()
const mode = (path: string): number => lstatSync(path).mode & 0o7777

// The open-file copy is the Linux path for files up to 128 KiB; elsewhere `copyFileSync` copies them.
describe.skipIf(process.platform !== 'linux')('copying a small file through two open files', () => {
  it('copies every byte of files around the buffer size, and larger ones whole by the other path', async () => {
    const root = tempDir()
    const src = join(root, 'src')
    mkdirSync(src)
    const sizes = [0, 1, 4095, 128 * 1024 - 1, 128 * 1024, 128 * 1024 + 1, 300_000]
    const bytes = new Map(sizes.map((size) => [size, randomBytes(size)]))
    for (const [size, data] of bytes) writeFileSync(join(src, `f${size}`), data)
    const outcome = await planAndRun(copySpec({ sources: [src], destination: join(root, 'dst') }))
    expect([...outcome.failed]).toEqual([])
    for (const [size, data] of bytes) expect(readFileSync(join(root, 'dst', 'src', `f${size}`)).equals(data)).toBe(true)
  })

  it('keeps the exact mode and the times when the job keeps them, the umask left aside', () => {
    const dir = tempDir()
    for (const [name, bits] of [
      ['private', 0o600],
      ['shared', 0o666],
      ['setuid', 0o4755],
      ['open', 0o777],
    ] as const) {
      const from = join(dir, name)
      writeFileSync(from, name)
      chmodSync(from, bits)
      utimesSync(from, 1_000_000_000.25, 1_100_000_000.5)
      const to = join(dir, `${name}.part`)
      copyOpenFile(taskFor(from, to), lstatSync(from))
      expect(mode(to).toString(8)).toBe(bits.toString(8))
      expect(lstatSync(to).mtimeMs).toBeCloseTo(1_100_000_000_500, 0)
      // Before reading it: a read may move the access time.
      expect(lstatSync(to).atimeMs).toBeCloseTo(1_000_000_000_250, 0)
      expect(readFileSync(to, 'utf8')).toBe(name)
    }
  })

  it('without kept times and modes, leaves the mode under the umask and the times of the copy', () => {
    const dir = tempDir()
    const from = join(dir, 'shared')
    writeFileSync(from, 'x')
    chmodSync(from, 0o666)
    utimesSync(from, 1_000_000_000, 1_000_000_000)
    const to = join(dir, 'shared.part')
    copyOpenFile(taskFor(from, to, false), lstatSync(from))
    expect(mode(to)).toBe(0o666 & ~umask)
    expect(lstatSync(to).mtimeMs).toBeGreaterThan(Date.now() - 60_000)
  })

  it.skipIf(process.getuid?.() !== 0)('copies another owner’s file as theirs when it may (root)', () => {
    const dir = tempDir()
    const from = join(dir, 'theirs')
    writeFileSync(from, 'x')
    chownSync(from, 1234, 2345)
    const to = join(dir, 'theirs.part')
    copyOpenFile(taskFor(from, to), lstatSync(from))
    expect([lstatSync(to).uid, lstatSync(to).gid]).toEqual([1234, 2345])
  })

  it('replaces what an interrupted run left under the temporary name, and never writes through a link there', () => {
    const dir = tempDir()
    const from = join(dir, 'file')
    writeFileSync(from, 'new text')
    const left = join(dir, 'left.part')
    writeFileSync(left, 'an older, longer, half-written copy')
    copyOpenFile(taskFor(from, left), lstatSync(from))
    expect(readFileSync(left, 'utf8')).toBe('new text')
    const outside = join(dir, 'outside')
    writeFileSync(outside, 'keep me')
    const planted = join(dir, 'planted.part')
    symlinkSync(outside, planted)
    copyOpenFile(taskFor(from, planted), lstatSync(from))
    expect(readFileSync(outside, 'utf8')).toBe('keep me')
    expect(lstatSync(planted).isFile()).toBe(true)
  })

  it('blames the side that failed: a source gone, a destination folder gone', () => {
    const dir = tempDir()
    const from = join(dir, 'file')
    writeFileSync(from, 'x')
    const stat = lstatSync(from)
    const sideOf = (task: FileTask): unknown => {
      try {
        copyOpenFile(task, stat)
      } catch (error) {
        return error instanceof SideError ? [error.side, (error.cause as NodeJS.ErrnoException).code] : error
      }
      return 'copied'
    }
    expect(sideOf(taskFor(join(dir, 'gone'), join(dir, 'a.part')))).toEqual(['source', 'ENOENT'])
    expect(sideOf(taskFor(from, join(dir, 'no folder', 'b.part')))).toEqual(['destination', 'ENOENT'])
  })
})
