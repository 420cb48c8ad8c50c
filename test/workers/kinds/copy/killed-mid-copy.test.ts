import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Farm } from '../../../../src/core/farm'
import { openTestFarm, tempDir, until } from '../../../support/test-farm'

const opened: { farm: Farm; remove(): void }[] = []
afterEach(async () => {
  for (const t of opened.splice(0)) {
    await t.farm.shutdown('now')
    t.remove()
  }
})

/** Folders of small files, each with a large file (copied in chunks) so a kill lands mid-file. */
function sourceTree(root: string): string {
  const src = join(root, 'src')
  for (const folder of ['a', 'a/deep', 'b', 'c']) {
    mkdirSync(join(src, folder), { recursive: true })
    for (let i = 0; i < 30; i++) writeFileSync(join(src, folder, `f${i}.txt`), `${folder} ${i}\n`.repeat(i + 1))
    writeFileSync(join(src, folder, 'large.bin'), Buffer.alloc(24 * 1024 * 1024, folder.length))
  }
  // Times far from now: a folder touched by a late write is then plain to see.
  for (const folder of ['a/deep', 'a', 'b', 'c', '']) utimesSync(join(src, folder), 1_300_000_000, 1_300_000_000)
  return src
}

/** A temporary file of this job below `dir` that has bytes in it: a chunked copy under way. */
function partUnderWay(dir: string): boolean {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).some(
      (e) => e.isFile() && e.name.includes('.taskfarm-') && e.name.endsWith('.part'),
    )
  } catch {
    return false
  }
}

/** Every entry's type, size, mode, time (to the millisecond) and a digest of its content. */
function metadata(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (path: string, rel: string): void => {
    const stat = lstatSync(path)
    const shown = `${stat.isDirectory() ? 'dir' : 'file'} m=${(stat.mode & 0o7777).toString(8)} t=${Math.round(stat.mtimeMs)}`
    if (!stat.isDirectory()) {
      out[rel] = `${shown} ${stat.size} ${createHash('sha1').update(readFileSync(path)).digest('hex')}`
      return
    }
    out[`${rel}/`] = shown
    for (const name of readdirSync(path).sort()) walk(join(path, name), rel ? `${rel}/${name}` : name)
  }
  walk(root, '')
  return out
}

const ROUNDS = Number(process.env.TASK_FARM_COPY_KILL_ROUNDS ?? 2)

describe('a copy whose worker is killed mid-file', () => {
  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))(
    'ends with every folder and file as the source has it (round %i)',
    async () => {
      const dir = tempDir('tf-kill-copy-')
      const t = openTestFarm({ pools: { disk: { size: 2 } } }, dir)
      opened.push({ farm: t.farm, remove: dir.remove })
      const src = sourceTree(dir.path)
      const dst = join(dir.path, 'dst')
      const id = await t.farm.create({ kind: 'copy', sources: [src], destination: dst })
      await until(() => partUnderWay(dst), 'a large file being copied', 60_000)
      const busy = t.farm
        .poolInfo()
        .find((p) => p.name === 'disk')!
        .workers.filter((w) => w.jobId === id && w.pid)
      expect(busy.length).toBeGreaterThan(0)
      process.kill(busy[0]!.pid!, 'SIGKILL')
      const end = await t.farm.waitForEnd(id)
      expect(end.state).toBe('completed')
      expect(metadata(join(dst, 'src'))).toEqual(metadata(src))
    },
    120_000,
  )
})
