import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { destNamesReader } from '../../../../src/workers/kinds/copy/dest-names'
import { removeAll, tempDir } from './helpers'

let dirs: string[] = []
afterEach(() => {
  removeAll(...dirs)
  dirs = []
})

describe("a task's listings of destination folders", () => {
  it('reads a folder once, as it first saw it; a folder over the cap or missing is not listed', () => {
    const root = tempDir('tf-dest-names-')
    dirs.push(root)
    const small = join(root, 'small')
    const big = join(root, 'big')
    mkdirSync(small)
    mkdirSync(big)
    writeFileSync(join(small, 'a.txt'), 'a')
    for (let i = 0; i < 10; i++) writeFileSync(join(big, `f${i}`), '')
    const names = destNamesReader(5)
    expect(names(small)).toEqual(new Set(['a.txt']))
    writeFileSync(join(small, 'b.txt'), 'written by this task after it looked')
    expect(names(small)).toEqual(new Set(['a.txt']))
    expect(names(big)).toBeNull()
    expect(names(join(root, 'nowhere'))).toBeNull()
  })
})
