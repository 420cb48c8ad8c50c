import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../../src/core/farm'
import { openTestFarm, until } from '../../support/test-farm'
import { listFiles } from '../../cli/copy-cli-helpers'
import { describeTree, removeAll, tempDir } from '../../workers/kinds/copy/helpers'

let farm: Farm | undefined
let dirs: string[] = []
afterEach(async () => {
  await farm?.shutdown('now')
  farm = undefined
  removeAll(...dirs)
  dirs = []
})

function tree(): { src: string; dst: string } {
  const src = join(tempDir(), 'src')
  const dst = tempDir()
  dirs.push(src, dst)
  for (let d = 0; d < 4; d++) {
    mkdirSync(join(src, `d${d}`), { recursive: true })
    // Large files are copied in chunks, so a cancel lands while temporary files exist.
    for (let f = 0; f < 3; f++) writeFileSync(join(src, `d${d}`, `big-${f}.bin`), Buffer.alloc(9 * 1024 * 1024, f + d))
  }
  return { src, dst }
}

describe('copy jobs on a real farm', () => {
  it('a cancel mid-copy leaves no temporary file behind', async () => {
    const { src, dst } = tree()
    const t = openTestFarm()
    farm = t.farm
    dirs.push(t.dir.path)
    const id = await farm.create({ kind: 'copy', sources: [src], destination: dst })
    // A file in flight, not only a folder made: on a loaded machine the plan (or a folder listing) makes
    // folders before any file is copied, and a cancel then would land before the copy.
    await until(
      // This job's own temporary file: the probe of the volume's name rules (`.taskfarm-0.part`) is not one.
      () => farm!.summary(id).bytesDone > 0 || listFiles(dst).some((p) => p.endsWith(`.taskfarm-${id}.part`)),
      'a file to be copying',
    )
    farm.cancel(id)
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('cancelled')
    expect(end.itemsDone).toBeLessThan(end.itemsTotal) // cancelled mid-copy indeed
    expect(listFiles(dst).filter((p) => p.includes('taskfarm'))).toEqual([])
  })

  it('a plan-only job reports counts and changes nothing', async () => {
    const { src, dst } = tree()
    const t = openTestFarm()
    farm = t.farm
    dirs.push(t.dir.path)
    const id = await farm.create({ kind: 'copy', sources: [src], destination: dst }, { planOnly: true })
    const end = await farm.waitForEnd(id)
    expect(end.state).toBe('completed')
    expect(farm.detail(id).facts).toMatchObject({ files: 12, folders: 5, bytes: 12 * 9 * 1024 * 1024 })
    expect(listFiles(dst)).toEqual([])
  })

  it('copies with verify and two workers to an identical tree', async () => {
    const { src, dst } = tree()
    const t = openTestFarm()
    farm = t.farm
    dirs.push(t.dir.path)
    const id = await farm.create({ kind: 'copy', sources: [src], destination: dst, verify: true })
    expect((await farm.waitForEnd(id)).state).toBe('completed')
    expect(describeTree(join(dst, 'src'))).toEqual(describeTree(src))
  })
})
