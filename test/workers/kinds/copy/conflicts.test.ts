import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CopySpec } from '../../../../src/shared/kinds/copy'
import { copySpec, describeTree, plan, planAndRun, removeAll, tempDir } from './helpers'

let src: string
let dst: string
beforeEach(() => {
  src = join(tempDir(), 'src')
  dst = tempDir()
  mkdirSync(src)
  mkdirSync(join(dst, 'src'))
  // same: identical size and time; older: the destination is older; newer: the destination is newer.
  for (const [name, text, time] of [
    ['same.txt', 'same', 1_500_000_000],
    ['older.txt', 'source older', 1_600_000_000],
    ['newer.txt', 'source newer', 1_600_000_000],
    ['fresh.txt', 'only in source', 1_600_000_000],
  ] as const) {
    writeFileSync(join(src, name), text)
    utimesSync(join(src, name), time, time)
  }
  writeFileSync(join(dst, 'src', 'same.txt'), 'same')
  utimesSync(join(dst, 'src', 'same.txt'), 1_500_000_000, 1_500_000_000)
  writeFileSync(join(dst, 'src', 'older.txt'), 'dest old')
  utimesSync(join(dst, 'src', 'older.txt'), 1_000_000_000, 1_000_000_000)
  writeFileSync(join(dst, 'src', 'newer.txt'), 'dest new')
  utimesSync(join(dst, 'src', 'newer.txt'), 1_700_000_000, 1_700_000_000)
  writeFileSync(join(dst, 'src', 'extra.txt'), 'only at destination')
})
afterEach(() => removeAll(src, dst))

const read = (name: string): string => readFileSync(join(dst, 'src', name), 'utf8')
const copyWith = (onConflict: CopySpec['onConflict']) =>
  planAndRun(copySpec({ sources: [src], destination: dst, onConflict }))

describe('copy handler: conflict policies', () => {
  it('skip (the default) leaves every existing file alone', async () => {
    const outcome = await planAndRun(copySpec({ sources: [src], destination: dst }))
    expect([read('same.txt'), read('older.txt'), read('newer.txt'), read('fresh.txt')]).toEqual([
      'same',
      'dest old',
      'dest new',
      'only in source',
    ])
    expect(outcome.summary?.facts).toMatchObject({ conflicts: 3, skipped: 3, files: 1 })
    expect(read('extra.txt')).toBe('only at destination')
  })

  it('overwrite replaces every existing file', async () => {
    await copyWith('overwrite')
    expect([read('same.txt'), read('older.txt'), read('newer.txt')]).toEqual(['same', 'source older', 'source newer'])
  })

  it('newer replaces only files whose source is newer', async () => {
    const outcome = await copyWith('newer')
    expect([read('older.txt'), read('newer.txt')]).toEqual(['source older', 'dest new'])
    expect(outcome.summary?.facts).toMatchObject({ skipped: 2, overwrite: 1 })
  })

  it('different replaces files whose size or time differ', async () => {
    const outcome = await copyWith('different')
    expect([read('older.txt'), read('newer.txt')]).toEqual(['source older', 'source newer'])
    expect(outcome.summary?.facts).toMatchObject({ skipped: 1, overwrite: 2 })
  })

  it('rename keeps both, with names that clash with nothing', async () => {
    writeFileSync(join(src, 'older (1).txt'), 'a source file that looks like a renamed copy')
    const outcome = await copyWith('rename')
    expect(read('older.txt')).toBe('dest old')
    expect(read('older (2).txt')).toBe('source older')
    expect(read('older (1).txt')).toBe('a source file that looks like a renamed copy')
    expect(read('same (1).txt')).toBe('same')
    expect(outcome.done.get('src/older.txt')).toMatchObject({ outcome: 'copied', renamedTo: 'older (2).txt' })
    expect(readdirSync(join(dst, 'src')).sort()).toEqual([
      'extra.txt',
      'fresh.txt',
      'newer (1).txt',
      'newer.txt',
      'older (1).txt',
      'older (2).txt',
      'older.txt',
      'same (1).txt',
      'same.txt',
    ])
  })

  it('a file that was there before the job still goes through the policy when its item runs again', async () => {
    const spec = copySpec({ sources: [src], destination: dst, onConflict: 'overwrite' })
    const { items } = await plan(spec)
    const before = describeTree(dst)
    expect(items.find((i) => i.key === 'src/older.txt')?.payload).toMatchObject({ replaces: expect.any(Number) })
    expect(before['src/older.txt']).toContain(Buffer.from('dest old').toString('base64'))
  })
})

describe('copy handler: things in the way', () => {
  it('a file where a folder must go fails that folder and its content, and nothing else', async () => {
    mkdirSync(join(src, 'folder', 'inner'), { recursive: true })
    writeFileSync(join(src, 'folder', 'inner', 'a.txt'), 'a')
    writeFileSync(join(dst, 'src', 'folder'), 'a file in the way')
    const outcome = await planAndRun(copySpec({ sources: [src], destination: dst }))
    expect([...outcome.failed.keys()].sort()).toEqual(['src/folder/', 'src/folder/inner/', 'src/folder/inner/a.txt'])
    expect(outcome.failed.get('src/folder/')?.error).toBe('A file with this name is in the way at the destination.')
    expect(read('folder')).toBe('a file in the way')
    expect(read('fresh.txt')).toBe('only in source')
  })

  it('a folder where a file must go fails that file', async () => {
    mkdirSync(join(dst, 'src', 'fresh.txt'))
    const outcome = await planAndRun(copySpec({ sources: [src], destination: dst }))
    expect(outcome.failed.get('src/fresh.txt')?.error).toMatch(/folder with this name is in the way/)
  })
})

describe('copy handler: filters', () => {
  it('include and exclude globs choose files; excluded folders are not walked; folders without content are left out', async () => {
    mkdirSync(join(src, 'node_modules', 'pkg'), { recursive: true })
    writeFileSync(join(src, 'node_modules', 'pkg', 'index.txt'), 'x')
    mkdirSync(join(src, 'docs', 'empty'), { recursive: true })
    writeFileSync(join(src, 'docs', 'guide.md'), '# guide')
    writeFileSync(join(src, 'docs', 'notes.txt'), 'notes')
    const target = tempDir()
    try {
      const outcome = await planAndRun(
        copySpec({
          sources: [src],
          destination: target,
          include: ['*.txt', 'docs/*.md'],
          exclude: ['node_modules', 'older*'],
        }),
      )
      expect(Object.keys(describeTree(target)).sort()).toEqual([
        'src/',
        'src/docs/',
        'src/docs/guide.md',
        'src/docs/notes.txt',
        'src/fresh.txt',
        'src/newer.txt',
        'src/same.txt',
      ])
      expect(outcome.failed.size).toBe(0)
    } finally {
      removeAll(target)
    }
  })
})
