import { chmodSync, lstatSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { copySpec, describeTree, planAndRun, removeAll, tempDir } from './helpers'

let dirs: string[] = []
afterEach(() => {
  removeAll(...dirs)
  dirs = []
})

/** A tree with the awkward cases: unicode and spaces, deep nesting, empty files and folders, odd modes, links. */
function makeTree(root: string): void {
  mkdirSync(join(root, 'empty folder'), { recursive: true })
  mkdirSync(join(root, 'ünïcødé 文件夹', 'sub dir'), { recursive: true })
  writeFileSync(join(root, 'ünïcødé 文件夹', 'sub dir', 'naïve file .txt'), 'héllo wörld\n')
  writeFileSync(join(root, 'empty.bin'), '')
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(9 * 1024 * 1024, 7)) // above the chunked-copy threshold
  writeFileSync(join(root, 'script.sh'), '#!/bin/sh\necho hi\n')
  chmodSync(join(root, 'script.sh'), 0o751)
  let deep = root
  for (let i = 0; i < 60; i++) deep = join(deep, `level ${i}`)
  mkdirSync(deep, { recursive: true })
  writeFileSync(join(deep, 'bottom.txt'), 'deep')
  symlinkSync('script.sh', join(root, 'link-to-script'))
  symlinkSync('/nowhere/at/all', join(root, 'dangling'))
  symlinkSync('..', join(root, 'empty folder', 'loop'))
  mkdirSync(join(root, 'read-only'))
  writeFileSync(join(root, 'read-only', 'inside.txt'), 'ro')
  chmodSync(join(root, 'read-only'), 0o555)
  utimesSync(join(root, 'empty.bin'), 1_000_000_000, 1_000_000_000.5)
  utimesSync(join(root, 'empty folder'), 1_100_000_000, 1_100_000_000)
  utimesSync(join(root, 'ünïcødé 文件夹'), 1_200_000_000, 1_200_000_000)
}

// POSIX only: the fixture has POSIX modes (0751, 0555) and links made without a type; windows-copy.test.ts holds the Windows counterparts (junctions, read-only files).
describe.skipIf(process.platform === 'win32')('copy handler: whole trees', () => {
  it('copies a tree byte for byte, with modes, times, empty folders and links as links', async () => {
    const src = join(tempDir(), 'source tree')
    const dst = tempDir()
    dirs.push(src, dst)
    makeTree(src)
    const outcome = await planAndRun(copySpec({ sources: [src], destination: dst }))
    expect([...outcome.failed]).toEqual([])
    expect(describeTree(join(dst, 'source tree'))).toEqual(describeTree(src))
    expect(lstatSync(join(dst, 'source tree')).mtimeMs).toBeCloseTo(lstatSync(src).mtimeMs, 0)
    expect(outcome.summary?.facts).toMatchObject({ files: 6, links: 3, folders: 65, problems: 0 })
    expect(readdirSync(join(dst, 'source tree')).filter((n) => n.includes('taskfarm'))).toEqual([])
  })

  it('copies several sources side by side', async () => {
    const a = join(tempDir(), 'alpha')
    const b = join(tempDir(), 'beta')
    const dst = tempDir()
    dirs.push(a, b, dst)
    mkdirSync(a)
    mkdirSync(b)
    writeFileSync(join(a, 'one'), '1')
    writeFileSync(join(b, 'two'), '2')
    const outcome = await planAndRun(copySpec({ sources: [a, b], destination: dst }))
    expect(outcome.items.map((i) => i.key).sort()).toEqual(['alpha/', 'alpha/one', 'beta/', 'beta/two'])
    expect(describeTree(dst)).toMatchObject({
      'alpha/one': expect.stringContaining('file MQ=='),
      'beta/two': expect.stringContaining('file Mg=='),
    })
  })

  it('follows links when told to, and reports a link loop and a dangling link instead of looping', async () => {
    const src = join(tempDir(), 'src')
    const dst = tempDir()
    dirs.push(src, dst)
    makeTree(src)
    const outcome = await planAndRun(copySpec({ sources: [src], destination: dst, symlinks: 'follow' }))
    expect(outcome.failed.get('src/empty folder/loop')?.error).toMatch(/link loop/)
    expect(outcome.failed.get('src/dangling')?.error).toMatch(/points to nothing/)
    expect(outcome.failed.size).toBe(2)
    expect(lstatSync(join(dst, 'src', 'link-to-script')).isFile()).toBe(true)
  })

  it('skips links when told to', async () => {
    const src = join(tempDir(), 'src')
    const dst = tempDir()
    dirs.push(src, dst)
    makeTree(src)
    const outcome = await planAndRun(copySpec({ sources: [src], destination: dst, symlinks: 'skip' }))
    expect(outcome.failed.size).toBe(0)
    expect(readdirSync(join(dst, 'src'))).not.toContain('link-to-script')
    expect(outcome.summary?.facts.excluded).toBe(3)
  })

  it('without --preserve, gives copies fresh times', async () => {
    const src = join(tempDir(), 'src')
    const dst = tempDir()
    dirs.push(src, dst)
    mkdirSync(src)
    writeFileSync(join(src, 'old'), 'x')
    utimesSync(join(src, 'old'), 1_000_000_000, 1_000_000_000)
    await planAndRun(copySpec({ sources: [src], destination: dst, preserve: false }))
    expect(lstatSync(join(dst, 'src', 'old')).mtimeMs).toBeGreaterThan(1_000_000_000_000)
  })
})
