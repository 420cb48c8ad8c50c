import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { listFolder } from '../../src/core/list-folder'
import { tempDir } from '../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

describe('the path picker’s folder listing', () => {
  it('shows a link to a folder as a folder (browsable), a link to a file or nowhere as not', async () => {
    const dir = tempDir('tf-list-folder-')
    dirs.push(dir)
    mkdirSync(join(dir.path, 'real'))
    writeFileSync(join(dir.path, 'real', 'inside.txt'), 'x')
    writeFileSync(join(dir.path, 'note.txt'), 'x')
    symlinkSync(join(dir.path, 'real'), join(dir.path, 'linked'))
    symlinkSync(join(dir.path, 'note.txt'), join(dir.path, 'note-link'))
    symlinkSync(join(dir.path, 'gone'), join(dir.path, 'dangling'))
    const listing = await listFolder(dir.path)
    expect(listing.entries.map((e) => [e.name, e.isDirectory])).toEqual([
      ['linked', true],
      ['real', true],
      ['dangling', false],
      ['note-link', false],
      ['note.txt', false],
    ])
    const through = await listFolder(join(dir.path, 'linked'))
    expect(through.entries.map((e) => e.name)).toEqual(['inside.txt'])
  })

  it('refuses a path that is not a folder in one sentence', async () => {
    const dir = tempDir('tf-list-folder-')
    dirs.push(dir)
    writeFileSync(join(dir.path, 'note.txt'), 'x')
    await expect(listFolder(join(dir.path, 'note.txt'))).rejects.toThrow(
      /^Cannot list .*note\.txt: it is not a folder\.$/,
    )
  })
})
