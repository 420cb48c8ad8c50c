import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, lstatSync, mkdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { describeCopyError, SideError } from '../../../../src/workers/kinds/copy/errors'
import { nameProblem } from '../../../../src/workers/kinds/copy/names'
import {
  attribFlags,
  FileInUse,
  linkTypeFor,
  renameIntoPlace,
  SymlinkNotPermitted,
  type RenameDeps,
} from '../../../../src/workers/kinds/copy/windows-fs'
import { copySpec, plan, planAndRun, tempDir } from './helpers'

// The planner is told its destination follows Windows rules, as an NTFS or FAT destination does.
vi.mock('../../../../src/workers/kinds/copy/volume', async (importOriginal) => {
  const volume = await importOriginal<typeof import('../../../../src/workers/kinds/copy/volume')>()
  return {
    ...volume,
    destinationVolume: (destination: string) => ({
      ...volume.destinationVolume(destination),
      windowsNaming: true,
      foldsCase: true,
    }),
  }
})

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code })

/** A file system whose rename answers `answers` in turn (an error code, or null for success). */
function fakeDisk(answers: (string | null)[], mode = 0o644) {
  const calls = { rename: 0, chmod: [] as number[], sleeps: [] as number[] }
  const deps: RenameDeps = {
    rename: () => {
      const answer = answers[Math.min(calls.rename++, answers.length - 1)]
      if (answer) throw errno(answer)
    },
    lstat: () => ({ mode }),
    chmod: (_path, m) => void calls.chmod.push(m),
    sleep: async (ms) => void calls.sleeps.push(ms),
  }
  return { deps, calls }
}

describe('copies into ordinary Windows folders', () => {
  it('tries a rename again while another program holds the file (EBUSY twice, then it is free)', async () => {
    const { deps, calls } = fakeDisk(['EBUSY', 'EBUSY', null])
    await renameIntoPlace('d\\.x.part', 'd\\x', { windowsRules: true, deps })
    expect(calls.rename).toBe(3)
    expect(calls.sleeps).toEqual([10, 20])
  })

  it('names the file still held after about a second, and says so plainly', async () => {
    const { deps, calls } = fakeDisk(['EPERM'])
    const failure = renameIntoPlace('D:\\out\\.book.xlsx.part', 'D:\\out\\book.xlsx', { windowsRules: true, deps })
    await expect(failure).rejects.toBeInstanceOf(FileInUse)
    expect(calls.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000)
    const said = describeCopyError(new SideError('destination', await failure.catch((e: unknown) => e)))
    expect(said).toEqual({
      message: expect.stringMatching(/^D:\\out\\book\.xlsx is in use by another program/),
      code: 'in-use',
      retryable: true,
    })
  })

  it('clears the read-only attribute of the file it replaces (CopyFileW carried it over last time)', async () => {
    const { deps, calls } = fakeDisk(['EPERM', null], 0o444)
    await renameIntoPlace('a.part', 'a', { windowsRules: true, deps })
    expect(calls.chmod).toEqual([0o644])
    expect(calls.sleeps).toEqual([])
  })

  it('leaves other systems alone: a rename error there is not a held file', async () => {
    const { deps, calls } = fakeDisk(['EACCES'])
    await expect(renameIntoPlace('a.part', 'a', { windowsRules: false, deps })).rejects.toMatchObject({
      code: 'EACCES',
    })
    expect(calls.rename).toBe(1)
  })

  it('makes folder links junctions (absolute) or dir links (relative), everything else file links', () => {
    expect(linkTypeFor('C:\\Users\\me\\Music', true)).toBe('junction')
    expect(linkTypeFor('..\\shared', true)).toBe('dir')
    expect(linkTypeFor('C:\\x.txt', false)).toBe('file')
  })

  it('fails a link Windows will not make once, pointing to Developer Mode', () => {
    expect(describeCopyError(new SideError('destination', new SymlinkNotPermitted()))).toEqual({
      message: expect.stringContaining('Developer Mode'),
      code: 'symlink-not-permitted',
      retryable: false,
    })
  })

  it("reads attrib's letters for a path (compatibility junctions are hidden and system)", () => {
    const path = 'C:\\Users\\me\\Documents\\My Music'
    expect([...attribFlags(`     SH  I        ${path}\r\n`, path)].sort()).toEqual(['H', 'I', 'S'])
    expect([...attribFlags(`A                    C:\\Users\\me\\Documents\\notes.txt\r\n`, path)]).toEqual([])
  })

  it('measures names in UTF-16 units on Windows file systems: a long CJK name fits, 256 letters do not', () => {
    const cjk = '字'.repeat(120) // 360 bytes, 120 units
    expect(nameProblem(cjk, `D:\\${cjk}`, true)).toBeUndefined()
    expect(nameProblem(cjk, `/d/${cjk}`, false)).toMatch(/255 bytes/)
    expect(nameProblem('a'.repeat(256), 'D:\\a', true)).toMatch(/255 characters/)
  })

  it('checks folder names like file names: aux, x., a:b, and Docs beside docs', async () => {
    const src = join(tempDir(), 'src')
    for (const folder of ['aux', 'x.', 'a:b', 'Docs', 'docs', 'fine']) {
      mkdirSync(join(src, folder), { recursive: true })
      writeFileSync(join(src, folder, 'f.txt'), folder)
    }
    const { items } = await plan(copySpec({ sources: [src], destination: join(tempDir(), 'dest') }))
    const problems = Object.fromEntries(
      items
        .filter((i) => i.key.endsWith('/') && (i.payload as { problem?: string }).problem)
        .map((i) => [i.key, (i.payload as { problem: string }).problem]),
    )
    const keys = Object.keys(problems).sort()
    expect(keys.filter((k) => !/^src\/(D|d)ocs\/$/.test(k))).toEqual(['src/a:b/', 'src/aux/', 'src/x./'])
    // One of Docs and docs is refused: the destination cannot hold both.
    expect(keys.filter((k) => /^src\/(D|d)ocs\/$/.test(k))).toHaveLength(1)
    expect(problems[keys.find((k) => k.endsWith('ocs/'))!]).toMatch(/only by case/)
    expect(problems['src/aux/']).toMatch(/reserved on Windows/)
    expect(problems['src/x./']).toMatch(/ends with a dot/)
    expect(items.some((i) => i.key === 'src/fine/f.txt' && !(i.payload as { problem?: string }).problem)).toBe(true)
  })
})

// What only a Windows machine can show: the workflow's windows-latest job runs these.
describe.runIf(process.platform === 'win32')('on a real Windows disk', () => {
  it('copies a read-only file over its earlier read-only copy', async () => {
    const src = join(tempDir(), 'src')
    mkdirSync(src)
    writeFileSync(join(src, 'ro.txt'), 'one')
    chmodSync(join(src, 'ro.txt'), 0o444)
    const dest = tempDir()
    for (let i = 0; i < 2; i++) {
      const outcome = await planAndRun(copySpec({ sources: [src], destination: dest, onConflict: 'overwrite' }))
      expect(outcome.failed.size).toBe(0)
    }
    chmodSync(join(src, 'ro.txt'), 0o666)
    chmodSync(join(dest, 'src', 'ro.txt'), 0o666)
  })

  it('copies a junction as a junction, without privileges', async () => {
    const src = join(tempDir(), 'src')
    mkdirSync(join(src, 'real'), { recursive: true })
    execFileSync('cmd.exe', ['/d', '/c', 'mklink', '/J', join(src, 'link'), join(src, 'real')], { windowsHide: true })
    const dest = tempDir()
    const outcome = await planAndRun(copySpec({ sources: [src], destination: dest }))
    expect(outcome.failed.size).toBe(0)
    expect(lstatSync(join(dest, 'src', 'link')).isSymbolicLink()).toBe(true)
    expect(readlinkSync(join(dest, 'src', 'link')).toLowerCase()).toContain('real')
    expect(statSync(join(dest, 'src', 'link')).isDirectory()).toBe(true)
  })

  it('skips a compatibility junction (hidden and system), as in Documents', async () => {
    const src = join(tempDir(), 'src')
    mkdirSync(join(src, 'music'), { recursive: true })
    const link = join(src, 'My Music')
    execFileSync('cmd.exe', ['/d', '/c', 'mklink', '/J', link, join(src, 'music')], { windowsHide: true })
    execFileSync('attrib', ['+H', '+S', link, '/L'], { windowsHide: true })
    const { items } = await plan(copySpec({ sources: [src], destination: tempDir() }))
    expect(items.map((i) => i.key)).not.toContain('src/My Music')
  })

  it('names a destination file another process holds open', async () => {
    const src = join(tempDir(), 'src')
    mkdirSync(src)
    writeFileSync(join(src, 'book.xlsx'), 'new')
    const dest = tempDir()
    mkdirSync(join(dest, 'src'))
    const held = join(dest, 'src', 'book.xlsx')
    writeFileSync(held, 'old')
    // Excel opens without FILE_SHARE_DELETE; so does this (Node's own opens share delete).
    const holder = spawn(
      'powershell.exe',
      [
        '-NoProfile',
        '-Command',
        `$f=[IO.File]::Open('${held}','Open','Read','None'); 'held'; [Console]::In.ReadLine()`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'], windowsHide: true },
    )
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve))
      const outcome = await planAndRun(copySpec({ sources: [src], destination: dest, onConflict: 'overwrite' }))
      expect([...outcome.failed.values()][0]).toMatchObject({
        code: 'in-use',
        error: expect.stringContaining('book.xlsx'),
      })
    } finally {
      holder.stdin.end()
      await new Promise((resolve) => holder.once('exit', resolve))
    }
  })
})
