import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { copyHooks } from '../../../src/core/kinds/copy'
import { copySpec, removeAll, tempDir } from '../../workers/kinds/copy/helpers'

let root: string
afterEach(() => removeAll(root))

const check = (sources: string[], destination: string) => copyHooks.check(copySpec({ sources, destination }))

describe('copy check: cheap refusals', () => {
  it('accepts a plain copy, also into a folder that does not exist yet', async () => {
    root = tempDir()
    mkdirSync(join(root, 'src'))
    expect(await check([join(root, 'src')], join(root, 'new', 'deeper'))).toEqual([])
  })

  it('refuses a missing source and a source that is a file', async () => {
    root = tempDir()
    writeFileSync(join(root, 'file'), 'x')
    expect(await check([join(root, 'nope'), join(root, 'file')], join(root, 'dst'))).toEqual([
      `The source folder ${join(root, 'nope')} does not exist.`,
      `The source ${join(root, 'file')} is not a folder.`,
    ])
  })

  it('refuses a destination equal to, inside, or reached by a link into a source', async () => {
    root = tempDir()
    const src = join(root, 'src')
    mkdirSync(join(src, 'inner'), { recursive: true })
    symlinkSync(src, join(root, 'alias'))
    expect(await check([src], src)).toEqual([expect.stringMatching(/inside the source/)])
    expect(await check([src], join(src, 'inner', 'x'))).toEqual([expect.stringMatching(/inside the source/)])
    expect(await check([src], join(root, 'alias', 'x'))).toEqual([expect.stringMatching(/inside the source/)])
    expect(await check([src], root)).toEqual([expect.stringMatching(/land on itself/)])
  })

  it('refuses two sources with the same name and a destination that is a file', async () => {
    root = tempDir()
    mkdirSync(join(root, 'a', 'same'), { recursive: true })
    mkdirSync(join(root, 'b', 'same'), { recursive: true })
    writeFileSync(join(root, 'file'), 'x')
    expect(await check([join(root, 'a', 'same'), join(root, 'b', 'same')], join(root, 'd'))).toEqual([
      expect.stringMatching(/same name "same"/),
    ])
    expect(await check([join(root, 'a')], join(root, 'file'))).toEqual([
      expect.stringMatching(/is a file, not a folder/),
    ])
  })

  // Not as root (it reads everything), nor on Windows, where a folder's mode bits mean nothing.
  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')(
    'refuses an unreadable source and a destination that is not writable',
    async () => {
      root = tempDir()
      mkdirSync(join(root, 'src'))
      mkdirSync(join(root, 'ro'))
      chmodSync(join(root, 'ro'), 0o555)
      expect(await check([join(root, 'src')], join(root, 'ro'))).toEqual([expect.stringMatching(/not writable/)])
    },
  )
})
