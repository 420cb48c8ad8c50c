import { readFileSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { commandSpecSchema, type CommandSpec } from '../../../../src/shared/kinds/command'
import { runOneCommand } from '../../../../src/workers/kinds/command/run-one-command'
import { tempDir, until } from '../../../support/test-farm'
import { isProcessGone } from '../../../support/process-state'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))
function workspace(): string {
  const dir = tempDir('tf-command-')
  dirs.push(dir)
  return dir.path
}

const spec = (command: string[], extra: Partial<CommandSpec> = {}): CommandSpec =>
  commandSpecSchema.parse({ kind: 'command', command, input: { type: 'list', values: ['x'] }, ...extra })
const run = (s: CommandSpec, input: string, signal = new AbortController().signal) =>
  runOneCommand(s, { input, seq: 1, outputFolder: null }, signal)

// POSIX only: its commands are sh scripts, and its process trees are POSIX process groups. test/workers/kinds/command/windows-spawn.test.ts is the Windows counterpart.
describe.skipIf(process.platform === 'win32')('runOneCommand', () => {
  it('records exit code, output, duration and worker of a run', async () => {
    const r = await run(spec(['sh', '-c', 'echo "out $1"; echo err >&2; exit 3', 'sh', '{}']), 'a b')
    expect(r).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      stdout: 'out a b\n',
      stderr: 'err\n',
      worker: process.pid,
      attempts: 1,
    })
    expect(r!.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('keeps the first and last 64 KiB of a long output, and all of it in the output folder', async () => {
    const folder = workspace()
    const s = spec(['sh', '-c', 'head -c 300000 /dev/zero | tr "\\0" a; printf END'])
    const r = await runOneCommand(s, { input: 'x', seq: 4, outputFolder: folder }, new AbortController().signal)
    expect(r!.stdoutBytes).toBe(300_003)
    expect(r!.stdout.startsWith('a'.repeat(65536))).toBe(true)
    expect(r!.stdout.endsWith('aaEND')).toBe(true)
    expect(r!.stdout.includes('\n[… 168931 bytes left out …]\n')).toBe(true)
    expect(r!.stdout.length).toBe(65536 * 2 + '\n[… 168931 bytes left out …]\n'.length)
    expect(readFileSync(join(folder, '4.stdout')).length).toBe(300_003)
  })

  it('never hands an input to a shell without --shell', async () => {
    const dir = workspace()
    const r = await run(spec(['echo'], { cwd: dir }), '$(touch pwned); touch pwned2')
    expect(r!.stdout).toBe('$(touch pwned); touch pwned2\n')
    expect(existsSync(join(dir, 'pwned')) || existsSync(join(dir, 'pwned2'))).toBe(false)
  })

  it('runs through the shell with --shell, env and cwd applied', async () => {
    const dir = workspace()
    const r = await run(
      spec(['echo', '$GREETING', '{}', '|', 'tr', 'a-z', 'A-Z', '>', 'out.txt'], {
        shell: true,
        env: { GREETING: 'hello' },
        cwd: dir,
      }),
      "it's",
    )
    expect(r!.exitCode).toBe(0)
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe("HELLO IT'S\n")
  })

  it('kills the whole process tree at the timeout', async () => {
    const dir = workspace()
    const pids = join(dir, 'pids')
    const s = spec(['sh', '-c', `sleep 300 & echo $! > ${pids}; echo $$ >> ${pids}; wait`], { timeoutS: 0.5 })
    const r = await run(s, 'x')
    expect(r).toMatchObject({ timedOut: true, exitCode: null })
    const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number)
    expect(started).toHaveLength(2)
    await until(() => started.every((pid) => isProcessGone(pid)), 'the tree to be gone', 5000)
  })

  it('kills the tree and reports nothing when the job is cancelled', async () => {
    const dir = workspace()
    const pids = join(dir, 'pids')
    const controller = new AbortController()
    const running = run(spec(['sh', '-c', `sleep 300 & echo $! > ${pids}; wait`]), 'x', controller.signal)
    await until(() => existsSync(pids) && readFileSync(pids, 'utf8').trim() !== '', 'the run to start', 5000)
    controller.abort()
    expect(await running).toBeNull()
    const child = Number(readFileSync(pids, 'utf8'))
    await until(() => isProcessGone(child), 'the grandchild to be gone', 5000)
  })

  it('runs once, whatever --retries says (the farm retries), and names the process group it leads', async () => {
    const dir = workspace()
    const counter = join(dir, 'tries')
    writeFileSync(counter, '')
    const groups: number[] = []
    const r = await runOneCommand(
      spec(['sh', '-c', `echo $$ >> ${counter}; exit 1`], { retries: 5 }),
      { input: 'x', seq: 1, outputFolder: null, attempt: 2 },
      new AbortController().signal,
      (group) => groups.push(group),
    )
    expect(r).toMatchObject({ exitCode: 1, attempts: 2 })
    expect(readFileSync(counter, 'utf8').trim().split('\n').map(Number)).toEqual(groups)
  })

  it('says so when the command does not exist', async () => {
    const r = await run(spec(['no-such-command-here']), 'x')
    expect(r).toMatchObject({ exitCode: 127 })
    expect(r!.stderr).toMatch(/no-such-command-here: command not found/)
  })
})
