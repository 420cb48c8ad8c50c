import { execFileSync, spawnSync } from 'node:child_process'
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { copyOnMac, cpError } from '../../../../src/workers/kinds/copy/copy-on-mac'
import { describeCopyError } from '../../../../src/workers/kinds/copy/errors'
import { copySpec, planAndRun, tempDir } from './helpers'

function task(srcPath: string, destDir: string) {
  const progress: number[] = []
  return {
    srcPath,
    destDir,
    tempPath: join(destDir, '.a.bin.taskfarm-7.part'),
    signal: new AbortController().signal,
    progress: (bytes: number) => progress.push(bytes),
    progressSeen: progress,
  }
}

describe('the macOS copy path, run where it can be', () => {
  // GNU cp has no -c (clone): here the same-volume copy is asked without it; the macOS job runs it with.
  it('copies through the system cp, on the same volume and on another, and says how far it is', async () => {
    const src = join(tempDir(), 'a.bin')
    writeFileSync(src, 'some bytes')
    const same = task(src, tempDir())
    await copyOnMac(same, lstatSync(src), false)
    expect(readFileSync(same.tempPath, 'utf8')).toBe('some bytes')
    expect(same.progressSeen).toEqual([10])
    // Another device: a tmpfs, where root may mount one; `cp -p` is the same command on Linux.
    const other = tempDir()
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', other]).status !== 0) return
    try {
      const across = task(src, other)
      await copyOnMac(across, lstatSync(src))
      expect(readFileSync(across.tempPath, 'utf8')).toBe('some bytes')
    } finally {
      execFileSync('umount', [other])
    }
  })

  // POSIX only: /bin/cp, and links any user may make.
  it.skipIf(process.platform === 'win32')('never writes through a link planted under the temporary name', async () => {
    const src = join(tempDir(), 'a.bin')
    writeFileSync(src, 'some bytes')
    const copy = task(src, tempDir())
    const outside = join(tempDir(), 'outside.txt')
    writeFileSync(outside, 'keep me')
    symlinkSync(outside, copy.tempPath)
    await copyOnMac(copy, lstatSync(src), false)
    expect(readFileSync(outside, 'utf8')).toBe('keep me')
    expect(lstatSync(copy.tempPath).isFile()).toBe(true)
    expect(readFileSync(copy.tempPath, 'utf8')).toBe('some bytes')
  })

  it("turns cp's words back into the copy's sentences", () => {
    const paths = { srcPath: '/Users/me/Desktop/a.pdf', tempPath: '/Volumes/STICK/.a.pdf.taskfarm-3.part' }
    expect(
      describeCopyError(cpError('cp: /Volumes/STICK/.a.pdf.taskfarm-3.part: No space left on device', paths)),
    ).toMatchObject({
      code: 'disk-full',
      retryable: false,
    })
    expect(describeCopyError(cpError('cp: /Users/me/Desktop/a.pdf: Permission denied', paths)).message).toBe(
      'Permission denied reading the source.',
    )
    expect(describeCopyError(cpError('cp: something new', paths)).message).toBe(
      'Writing the destination failed: cp: something new',
    )
  })
})

// Only the workflow's macOS job runs this: the quarantine flag and a Finder tag survive the copy.
describe.runIf(process.platform === 'darwin')('on macOS, for real', () => {
  it('keeps extended attributes (quarantine, tags) by default, and drops them with metadata off', async () => {
    const src = join(tempDir(), 'src')
    mkdirSync(src)
    const file = join(src, 'download.pdf')
    writeFileSync(file, '%PDF-1.4')
    execFileSync('xattr', ['-w', 'com.apple.quarantine', '0081;00000000;Safari;', file])
    const kept = tempDir()
    await planAndRun(copySpec({ sources: [src], destination: kept }))
    expect(
      execFileSync('xattr', ['-p', 'com.apple.quarantine', join(kept, 'src', 'download.pdf')], { encoding: 'utf8' }),
    ).toContain('Safari')
    const bare = tempDir()
    await planAndRun(copySpec({ sources: [src], destination: bare, metadata: false }))
    expect(spawnSync('xattr', ['-p', 'com.apple.quarantine', join(bare, 'src', 'download.pdf')]).status).not.toBe(0)
  })
})
