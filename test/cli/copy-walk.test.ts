import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { describeTree, removeAll, tempDir } from '../workers/kinds/copy/helpers'
import { childPids, listFiles, runCli, startCli } from './copy-cli-helpers'
import { isProcessGone } from '../support/process-state'

let dirs: string[] = []
afterEach(() => {
  removeAll(...dirs)
  dirs = []
  delete process.env.TASK_FARM_COPY_PLAN_LIMIT
  delete process.env.TASK_FARM_COPY_WALK_BUDGET
}, 120_000)

/** On a tmpfs where there is one: 40,000 files are made and removed in a fraction of the time. */
function workspace(): { src: string; dst: string; db: string } {
  const root = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/tf-copy-walk-') : tempDir('tf-copy-walk-')
  dirs.push(root)
  const src = join(root, 'source')
  mkdirSync(src)
  return { src, dst: join(root, 'destination'), db: join(root, 'history.sqlite') }
}

const until = async (predicate: () => boolean, what: string): Promise<void> => {
  for (let waited = 0; !predicate(); waited += 20) {
    if (waited > 60_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/**
 * A binary tree of folders `depth` levels deep with `files` small files in each: the parallel walk
 * lists a level's folders after the files found above them, so the walk lasts most of the copy.
 */
function makeTree(root: string, depth: number, files: number): { folders: number; files: number } {
  let folders = 0
  const make = (dir: string, level: number): void => {
    mkdirSync(dir, { recursive: true })
    folders++
    for (let f = 0; f < files; f++) writeFileSync(join(dir, `f${f}.txt`), `${dir.length}/${level}/${f}\n`)
    if (level + 1 < depth) for (const side of ['l', 'r']) make(join(dir, side), level + 1)
  }
  make(root, 0)
  return { folders, files: folders * files }
}

const dirsBelow = (root: string): number => {
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isDirectory()).length
  } catch {
    return 0
  }
}

/** Every unit key of job 1, read from its items as stored. */
function unitKeys(db: string): string[] {
  const history = new Database(db, { readonly: true })
  try {
    const rows = history
      .prepare('SELECT je.value ->> 0 AS key FROM items i JOIN json_each(i.units) je WHERE i.job_id = 1')
      .all() as { key: string }[]
    return rows.map((r) => r.key)
  } finally {
    history.close()
  }
}

const show = (db: string): Record<string, number | string> =>
  JSON.parse(runCli(db, ['show', '1', '--json']).stdout) as Record<string, number | string>

describe('task-farm copy of a large tree (the parallel walk)', () => {
  it(
    'killed -9 whole mid-walk, resumes to an identical tree without writing a finished file again',
    { timeout: 300_000 },
    async () => {
      const { src, dst, db } = workspace()
      const tree = makeTree(src, 8, 80) // 255 folders, 20,400 files
      // Two folders per listing: units that list several folders, and a walk that lasts most of the
      // copy, so the kill lands mid-walk even on a fast machine (the default budget lists ~12 at once).
      process.env.TASK_FARM_COPY_WALK_BUDGET = '100'
      const child = startCli(db, ['copy', src, dst, '--workers', '2'])
      await until(() => listFiles(dst).length > 2500, 'the copy to get going')
      const pids = [child.pid!, ...childPids(child.pid!)]
      for (const pid of pids) process.kill(pid, 'SIGKILL')
      await until(() => pids.every((pid) => isProcessGone(pid)), 'every process of the farm to be gone')
      // Killed mid-walk indeed: some source folders were not listed (a listed one is made at once).
      expect(dirsBelow(join(dst, 'source')) + 1).toBeLessThan(tree.folders)
      const finished = new Map(
        listFiles(dst)
          .filter((p) => !p.includes('taskfarm'))
          .map((p) => [p, statSync(join(dst, p))] as const),
      )
      expect(finished.size).toBeGreaterThan(0)
      const resumed = runCli(db, ['resume', '1', '--workers', '2'])
      expect(resumed.stderr).toBe('')
      expect(resumed.code).toBe(0)
      expect(describeTree(join(dst, 'source'))).toEqual(describeTree(src))
      expect(listFiles(dst).filter((p) => p.includes('taskfarm'))).toEqual([])
      for (const [path, before] of finished) {
        const after = statSync(join(dst, path))
        expect([after.ino, after.ctimeMs], path).toEqual([before.ino, before.ctimeMs])
      }
      // Every unit once: each file, each folder's times, and listings (a listing lists folders below
      // it too, up to its budget), none found twice.
      const keys = unitKeys(db)
      expect(new Set(keys).size).toBe(keys.length)
      const listings = keys.filter((k) => k.endsWith('/*')).length
      expect(listings).toBeLessThan(tree.folders)
      const detail = show(db)
      expect(detail).toMatchObject({ state: 'completed', itemsFailed: 0 })
      expect(detail.itemsTotal).toBe(tree.files + tree.folders + listings)
      expect(detail.itemsDone).toBe(detail.itemsTotal)
    },
  )

  it('retry runs again only the failed units, a failed folder listing among them, and what it then finds', async () => {
    process.env.TASK_FARM_COPY_PLAN_LIMIT = '20' // a small tree, walked in parallel as a large one is
    const { src, dst, db } = workspace()
    makeTree(src, 4, 6) // 15 folders, 90 files
    // A file where the folder `source/l/r` goes: that folder's listing fails, so nothing below it is found.
    mkdirSync(join(dst, 'source', 'l'), { recursive: true })
    writeFileSync(join(dst, 'source', 'l', 'r'), 'in the way')
    const first = runCli(db, ['copy', src, dst, '--workers', '2'])
    expect(first.code, first.stdout + first.stderr).toBe(1)
    expect(first.stdout).toMatch(/source\/l\/r\/\*: A file with this name is in the way at the destination\./)
    const before = show(db)
    expect(before).toMatchObject({ state: 'completed-with-errors', itemsFailed: 1 })
    const copied = new Map(listFiles(dst).map((p) => [p, statSync(join(dst, p)).ino] as const))
    rmSync(join(dst, 'source', 'l', 'r'))
    const retried = runCli(db, ['retry', '1', '--workers', '2'])
    expect(retried.code, retried.stdout + retried.stderr).toBe(0)
    expect(describeTree(join(dst, 'source'))).toEqual(describeTree(src))
    for (const [path, ino] of copied) if (path !== 'source/l/r') expect(statSync(join(dst, path)).ino, path).toBe(ino)
    // The listing listed its 2 folders itself (within its budget) and found 3 × 6 files and 3 folders' times.
    const after = show(db)
    expect(after).toMatchObject({ state: 'completed', itemsFailed: 0 })
    expect(after.itemsTotal).toBe(Number(before.itemsTotal) + 3 * 6 + 3)
    expect(unitKeys(db).filter((k) => k.endsWith('/*'))).toEqual(['source/*', 'source/l/r/*'])
  }, 120_000)
})
