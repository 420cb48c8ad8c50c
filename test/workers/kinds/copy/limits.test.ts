import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nameProblem } from '../../../../src/workers/kinds/copy/names'
import { copySpec, plan, planAndRun, removeAll, tempDir } from './helpers'

/** A 2 MiB tmpfs to fill up; mounting needs root (or CAP_SYS_ADMIN), so the test is skipped without it. */
function mountSmallTmpfs(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' })
    return null
  } catch (error) {
    return `mounting a tmpfs is not permitted here (${String((error as Error).message).split('\n')[0]})`
  }
}

const root = tempDir()
const small = join(root, 'small')
mkdirSync(small)
const mountProblem = mountSmallTmpfs(small)
if (mountProblem) console.warn(`skipping the full-disk tests: ${mountProblem}`)

describe.skipIf(mountProblem !== null)('copy handler: a destination that fills up (2 MiB tmpfs)', () => {
  const src = join(root, 'src')
  beforeAll(() => {
    mkdirSync(src)
    for (let i = 0; i < 24; i++)
      writeFileSync(join(src, `part-${String(i).padStart(2, '0')}.bin`), Buffer.alloc(100 * 1024, i))
    writeFileSync(join(src, 'big.bin'), Buffer.alloc(9 * 1024 * 1024, 1))
  })
  afterAll(() => {
    execFileSync('umount', [small])
    removeAll(root)
  })

  it('the plan refuses at once with the sizes in one sentence', async () => {
    await expect(plan(copySpec({ sources: [src], destination: small }))).rejects.toMatchObject({
      name: 'UserError',
      code: 'no-space',
      message: expect.stringMatching(
        /^Not enough free space at the destination: the copy needs 11\.\d+ MiB but only 2\.00 MiB is free\./,
      ),
    })
    expect(readdirSync(small)).toEqual([])
  })

  it('told to go on, it fails the files that do not fit with a clear reason and leaves no partial file', async () => {
    const outcome = await planAndRun(copySpec({ sources: [src], destination: small, ignoreFreeSpace: true }))
    expect(outcome.failed.size).toBeGreaterThan(0)
    for (const failure of outcome.failed.values()) {
      expect(failure).toEqual({
        error: 'The destination is full (no space left on the device).',
        code: 'disk-full',
        retryable: false,
      })
    }
    const copied = readdirSync(join(small, 'src'))
    expect(copied.filter((name) => name.includes('taskfarm'))).toEqual([])
    expect(copied.length).toBeGreaterThan(0)
    for (const name of copied)
      expect(readFileSync(join(small, 'src', name)).equals(readFileSync(join(src, name)))).toBe(true)
    expect(copied.length + outcome.failed.size).toBe(25)
  })
})

describe('names the destination cannot hold', () => {
  it('a destination path too long is reported for that file, the rest is copied', async () => {
    const src = join(tempDir(), 's')
    const dstBase = tempDir()
    const dst = join(dstBase, ...Array.from({ length: 15 }, (_, i) => `${i}`.padEnd(250, 'd')))
    mkdirSync(join(src, 'x'.repeat(200)), { recursive: true })
    mkdirSync(dst, { recursive: true })
    writeFileSync(join(src, 'x'.repeat(200), 'y'.repeat(200)), 'too long at the destination')
    writeFileSync(join(src, 'short'), 'fits')
    try {
      const outcome = await planAndRun(copySpec({ sources: [src], destination: dst }))
      expect([...outcome.failed.entries()]).toEqual([
        [
          `s/${'x'.repeat(200)}/${'y'.repeat(200)}`,
          expect.objectContaining({ error: expect.stringMatching(/path is too long/) }),
        ],
      ])
      expect(readFileSync(join(dst, 's', 'short'), 'utf8')).toBe('fits')
    } finally {
      removeAll(src, dstBase)
    }
  })

  it('are explained, on Windows-like file systems and everywhere for lengths', () => {
    expect(nameProblem('CON.txt', '/d/CON.txt', true)).toMatch(/reserved on Windows/)
    expect(nameProblem('trailing.', '/d/trailing.', true)).toMatch(/ends with a dot or a space/)
    expect(nameProblem('a:b', '/d/a:b', true)).toMatch(/character Windows/)
    expect(nameProblem('CON.txt', '/d/CON.txt', false)).toBeUndefined()
    expect(nameProblem('x'.repeat(256), '/d/x', false)).toMatch(/longer than/)
    expect(nameProblem('ok', `/${'d/'.repeat(2100)}ok`, false)).toMatch(/path is too long/)
  })
})
