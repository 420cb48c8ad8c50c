import {
  rmSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { copyHandler } from '../../../../src/workers/kinds/copy'
import { copySpec, describeTree, plan, removeAll, run, tempDir } from './helpers'

let dirs: string[] = []
afterEach(() => {
  removeAll(...dirs)
  dirs = []
})

function setup(): { src: string; dst: string } {
  const src = join(tempDir(), 'src')
  const dst = tempDir()
  dirs.push(src, dst)
  mkdirSync(join(src, 'sub'), { recursive: true })
  for (let i = 0; i < 20; i++) writeFileSync(join(src, 'sub', `f${i}.txt`), `file ${i}`.repeat(i + 1))
  writeFileSync(join(src, 'large.bin'), Buffer.alloc(10 * 1024 * 1024, 3))
  utimesSync(join(src, 'sub'), 1_300_000_000, 1_300_000_000)
  return { src, dst }
}

const cleanup = (spec: Parameters<NonNullable<typeof copyHandler.cleanup>>[0], jobId = 7) =>
  copyHandler.cleanup!(spec, { jobId, signal: new AbortController().signal, log: () => {}, reason: 'resume' })

describe('copy handler: resume', () => {
  it('re-running items after an interruption finishes the tree without copying finished files again', async () => {
    const { src, dst } = setup()
    const spec = copySpec({ sources: [src], destination: dst })
    const { items } = await plan(spec)
    // The first run copies half the items, then "dies" leaving a half-written temporary file behind.
    await run(spec, items.slice(0, 10))
    const half = join(dst, 'src', 'sub', '.f15.txt.taskfarm-7.part')
    writeFileSync(half, 'half')
    const inodes = new Map(
      readdirSync(join(dst, 'src', 'sub')).map((n) => [n, statSync(join(dst, 'src', 'sub', n)).ino]),
    )

    await cleanup(spec)
    expect(existsSync(half)).toBe(false)
    const second = await run(spec, items)
    expect(second.failed.size).toBe(0)
    expect(describeTree(join(dst, 'src'))).toEqual(describeTree(src))
    for (const [name, ino] of inodes)
      if (!name.includes('taskfarm')) expect(statSync(join(dst, 'src', 'sub', name)).ino).toBe(ino)
    const outcomes = [...second.done.values()].map((r) => (r as { outcome?: string } | undefined)?.outcome)
    expect(outcomes.filter((o) => o === 'complete')).toHaveLength(10) // the items of the first run
  })

  it('a file replaced by an earlier run is not replaced again; a file that was there before still is', async () => {
    const { src, dst } = setup()
    mkdirSync(join(dst, 'src', 'sub'), { recursive: true })
    writeFileSync(join(dst, 'src', 'sub', 'f1.txt'), 'old content that must be overwritten')
    const spec = copySpec({ sources: [src], destination: dst, onConflict: 'overwrite', preserve: false })
    const { items } = await plan(spec)
    const f1 = items.find((i) => i.key === 'src/sub/f1.txt')!
    await run(spec, [f1])
    expect(readFileSync(join(dst, 'src', 'sub', 'f1.txt'), 'utf8')).toBe('file 1file 1')
    const firstCopy = lstatSync(join(dst, 'src', 'sub', 'f1.txt')).ino
    await run(spec, [f1])
    expect(lstatSync(join(dst, 'src', 'sub', 'f1.txt')).ino).toBe(firstCopy)
  })

  it('a file copied again after its folder was finished (a retry) leaves the folder its time', async () => {
    const { src, dst } = setup()
    const spec = copySpec({ sources: [src], destination: dst })
    const { items } = await plan(spec)
    await run(spec, items)
    // As if f3 had failed the first time: missing, and its folder finished with the source's time.
    rmSync(join(dst, 'src', 'sub', 'f3.txt'))
    utimesSync(join(dst, 'src', 'sub'), 1_300_000_000, 1_300_000_000)
    const retried = await run(spec, [{ ...items.find((i) => i.key === 'src/sub/f3.txt')!, attempt: 2 }])
    expect(retried.done.size).toBe(1)
    expect(lstatSync(join(dst, 'src', 'sub')).mtimeMs).toBeCloseTo(lstatSync(join(src, 'sub')).mtimeMs, 0)
    expect(describeTree(join(dst, 'src'))).toEqual(describeTree(src))
  })

  // Windows lets only some users make links.
  it.skipIf(process.platform === 'win32')(
    "replaces what an interrupted run left under a file's temporary name, and never writes through a link planted there",
    async () => {
      const { src, dst } = setup()
      const spec = copySpec({ sources: [src], destination: dst })
      const { items } = await plan(spec)
      mkdirSync(join(dst, 'src', 'sub'), { recursive: true })
      const outside = join(dst, 'outside.txt')
      writeFileSync(outside, 'keep me')
      // A small file's and a large file's (10 MiB: copied by clone or in chunks) temporary names.
      symlinkSync(outside, join(dst, 'src', 'sub', '.f1.txt.taskfarm-7.part'))
      symlinkSync(outside, join(dst, 'src', '.large.bin.taskfarm-7.part'))
      writeFileSync(join(dst, 'src', 'sub', '.f2.txt.taskfarm-7.part'), 'half')
      const result = await run(spec, items)
      expect(result.failed.size).toBe(0)
      expect(describeTree(join(dst, 'src'))).toEqual(describeTree(src))
      expect(readFileSync(outside, 'utf8')).toBe('keep me')
    },
  )

  it('cleanup removes only this job’s temporary files', async () => {
    const { src, dst } = setup()
    mkdirSync(join(dst, 'src', 'sub'), { recursive: true })
    writeFileSync(join(dst, 'src', 'sub', '.a.taskfarm-7.part'), 'mine')
    writeFileSync(join(dst, 'src', 'sub', '.a.taskfarm-8.part'), 'another job')
    writeFileSync(join(dst, 'src', '.hidden'), 'a user file')
    await cleanup(copySpec({ sources: [src], destination: dst }))
    expect(readdirSync(join(dst, 'src', 'sub'))).toEqual(['.a.taskfarm-8.part'])
    expect(readdirSync(join(dst, 'src'))).toContain('.hidden')
  })

  it('a folder finished by another worker while its content is still being copied gets its times after the content', async () => {
    const { src, dst } = setup()
    const spec = copySpec({ sources: [src], destination: dst })
    const { items } = await plan(spec)
    const last = items.length - 1 // the source folder itself comes last, after large.bin
    expect(items[last]!.key).toBe('src/')
    await Promise.all([run(spec, items.slice(0, last), 7), run(spec, items.slice(last), 7)])
    expect(lstatSync(join(dst, 'src')).mtimeMs).toBeCloseTo(lstatSync(src).mtimeMs, 0)
    expect(describeTree(join(dst, 'src'))).toEqual(describeTree(src))
  })
})
