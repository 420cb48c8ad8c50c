import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { commandSpecSchema } from '../../../../src/shared/kinds/command'
import { runOneCommand } from '../../../../src/workers/kinds/command/run-one-command'
import { tempDir } from '../../../support/test-farm'
import { resolveWindowsCommand, windowsSpawnPlan } from '../../../../src/workers/kinds/command/windows-spawn'

/** A Windows disk as a set of file paths, compared the way NTFS does (case-insensitively). */
const disk = (...files: string[]) => {
  const set = new Set(files.map((f) => f.toLowerCase()))
  return (path: string): boolean => set.has(path.toLowerCase())
}
const env = { Path: 'C:\\Windows\\system32;"C:\\Program Files\\nodejs";C:\\tools', PATHEXT: '.COM;.EXE;.BAT;.CMD' }

describe('commands the Windows way', () => {
  it('finds npm as npm.cmd through PATHEXT, in PATH order, the run folder first', () => {
    const isFile = disk('C:\\Program Files\\nodejs\\npm.cmd', 'C:\\tools\\npm.exe', 'C:\\work\\tool.bat')
    expect(resolveWindowsCommand('npm', env, 'C:\\work', isFile)).toBe('C:\\Program Files\\nodejs\\npm.cmd')
    expect(resolveWindowsCommand('tool', env, 'C:\\work', isFile)).toBe('C:\\work\\tool.bat')
    expect(resolveWindowsCommand('missing', env, 'C:\\work', isFile)).toBeNull()
  })

  it("takes a job's own PATH over the worker's Path (names differ only by case on Windows)", () => {
    const isFile = disk('C:\\job\\tool.exe', 'C:\\tools\\tool.exe')
    expect(resolveWindowsCommand('tool', { ...env, PATH: 'C:\\job' }, 'C:\\work', isFile)).toBe('C:\\job\\tool.exe')
  })

  it("tries PATHEXT's extensions in its order, and a typed extension only when PATHEXT lists it", () => {
    const isFile = disk('C:\\tools\\x.com', 'C:\\tools\\x.exe', 'C:\\tools\\notes.txt', 'C:\\tools\\y.CMD')
    expect(resolveWindowsCommand('x', env, 'C:\\work', isFile)).toBe('C:\\tools\\x.com')
    expect(resolveWindowsCommand('x', { ...env, PATHEXT: '.EXE;.COM' }, 'C:\\work', isFile)).toBe('C:\\tools\\x.exe')
    expect(resolveWindowsCommand('notes.txt', env, 'C:\\work', isFile)).toBeNull()
    expect(resolveWindowsCommand('y.cmd', env, 'C:\\work', isFile)).toBe('C:\\tools\\y.cmd')
  })

  it('looks a name with a folder up in that folder only', () => {
    const isFile = disk('C:\\work\\bin\\build.cmd', 'D:\\x\\run.exe', 'C:\\tools\\build.cmd')
    expect(resolveWindowsCommand('bin\\build', env, 'C:\\work', isFile)).toBe('C:\\work\\bin\\build.cmd')
    expect(resolveWindowsCommand('D:\\x\\run', env, 'C:\\work', isFile)).toBe('D:\\x\\run.exe')
    expect(resolveWindowsCommand('.\\build', env, 'C:\\elsewhere', isFile)).toBeNull()
  })

  it('runs a .cmd through cmd.exe /d /s /c, verbatim, every argument quoted for cmd and the program', () => {
    const isFile = disk('C:\\Program Files\\nodejs\\npm.cmd')
    const plan = windowsSpawnPlan(
      ['npm', '--version', 'D:\\d\\'],
      { ...env, ComSpec: 'C:\\Windows\\system32\\cmd.exe' },
      'C:\\work',
      isFile,
    )
    expect(plan.file).toBe('C:\\Windows\\system32\\cmd.exe')
    expect(plan.windowsVerbatimArguments).toBe(true)
    expect(plan.args.slice(0, 3)).toEqual(['/d', '/s', '/c'])
    expect(plan.args[3]).toBe('""C:\\Program Files\\nodejs\\npm.cmd" ^^^"--version^^^" ^^^"D:\\d\\\\^^^""')
  })

  it('starts an .exe as itself, arguments left to Node', () => {
    const plan = windowsSpawnPlan(['git', 'a b'], env, 'C:\\work', disk('C:\\tools\\git.exe'))
    expect(plan).toEqual({ file: 'C:\\tools\\git.exe', args: ['a b'], windowsVerbatimArguments: false })
    expect(windowsSpawnPlan(['nope', 'x'], env, 'C:\\work', disk()).file).toBe('nope')
  })

  it("records a spawn that throws (a NUL byte in an input) as that unit's failure, not the task's", async () => {
    const spec = commandSpecSchema.parse({ kind: 'command', command: ['echo'], input: { type: 'list', values: ['x'] } })
    const result = await runOneCommand(
      spec,
      { input: 'a\0b', seq: 1, outputFolder: null },
      new AbortController().signal,
    )
    expect(result).toMatchObject({ exitCode: 127, timedOut: false, attempts: 1 })
    expect(result!.stderr).toMatch(/^task-farm: echo: .*null bytes/)
  })

  // Only a Windows machine has cmd.exe: the workflow's windows-latest job proves these.
  it.runIf(process.platform === 'win32')(
    'runs a .cmd by its bare name, each hard input reaching node.exe whole',
    async () => {
      const dir = tempDir('tf-cmd-')
      try {
        // Like npm.cmd: a batch file that hands %* to node.exe.
        const script = `@"${process.execPath}" -e "console.log(JSON.stringify(process.argv.slice(1)))" %*\r\n`
        writeFileSync(join(dir.path, 'show.cmd'), script)
        for (const input of ['D:\\d\\', 'a"b', '%PATH%', 'x&y^z', 'C:\\Tools\\x.exe', 'a b']) {
          const spec = commandSpecSchema.parse({
            kind: 'command',
            command: ['show', 'first', '{}'],
            cwd: dir.path,
            input: { type: 'list', values: ['x'] },
          })
          const result = await runOneCommand(spec, { input, seq: 1, outputFolder: null }, new AbortController().signal)
          expect(result!.exitCode, result!.stderr).toBe(0)
          expect(JSON.parse(result!.stdout)).toEqual(['first', input])
        }
      } finally {
        dir.remove()
      }
    },
  )

  it.runIf(process.platform === 'win32')(
    'with --shell, cmd.exe hands each hard input to the program whole',
    async () => {
      const print = '"console.log(JSON.stringify(process.argv.slice(1)))"'
      for (const input of ['D:\\d\\', 'a"b', '%PATH%', 'x&y^z', 'C:\\Tools\\x.exe', 'a b']) {
        const spec = commandSpecSchema.parse({
          kind: 'command',
          command: [`"${process.execPath}"`, '-e', print, '{}', 'after'],
          shell: true,
          input: { type: 'list', values: ['x'] },
        })
        const result = await runOneCommand(spec, { input, seq: 1, outputFolder: null }, new AbortController().signal)
        expect(result!.exitCode, result!.stderr).toBe(0)
        expect(JSON.parse(result!.stdout)).toEqual([input, 'after'])
      }
    },
  )
})
