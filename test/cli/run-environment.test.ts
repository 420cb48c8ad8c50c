import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEntry, tempDir } from '../support/test-farm'
import { startServe, type CliResult } from './served-farm'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean()
})

function workspace(): { dir: string; db: string } {
  const dir = tempDir('tf-run-env-')
  cleanups.push(() => dir.remove())
  return { dir: dir.path, db: join(dir.path, 'history.sqlite') }
}

/** `task-farm` run from a terminal whose environment holds `extra` too. */
function cliWith(extra: Record<string, string>, args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [cliEntry, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...extra },
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (err += d))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })))
}

/** Every byte of the history on disk: the database, its WAL and its shared memory file. */
function historyBytes(db: string): string {
  return ['', '-wal', '-shm']
    .map((suffix) => `${db}${suffix}`)
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path).toString('latin1'))
    .join('')
}

const secret = (): string => `token-${randomBytes(12).toString('hex')}`
/**
 * Says whether the command saw the token (compared with a second copy of it, also only in the
 * terminal's environment: its output is kept in the history), and the --env pair. POSIX sh alone.
 */
const echo = [
  'sh',
  '-c',
  'if [ -n "$TF_TEST_TOKEN" ] && [ "$TF_TEST_TOKEN" = "$TF_TEST_EXPECTED" ]; then echo "token: seen"; else echo "token: missing"; fi; echo "given: $TF_TEST_GIVEN"',
]
const terminal = (token: string): Record<string, string> => ({ TF_TEST_TOKEN: token, TF_TEST_EXPECTED: token })

describe.skipIf(process.platform === 'win32')("a command job and its terminal's environment", () => {
  it('runs with it when the command runs the farm, and the history keeps no copy of it (only --env pairs)', async () => {
    const { db } = workspace()
    const token = secret()
    const result = await cliWith(terminal(token), [
      '--db',
      db,
      'run',
      '--env',
      'TF_TEST_GIVEN=given',
      '--',
      ...echo,
      ':::',
      'one',
    ])
    expect(result.code, result.err).toBe(0)
    expect(result.out).toContain('token: seen')
    expect(result.out).toContain('given: given')
    const history = historyBytes(db)
    expect(history).not.toContain(token)
    expect(history).toContain('TF_TEST_GIVEN')
  }, 60_000)

  it('goes with the job to a farm another process serves, which runs it as this terminal would', async () => {
    const { dir, db } = workspace()
    const served = await startServe(db, dir)
    cleanups.push(() => served.killAll())
    const token = secret()
    const result = await cliWith(terminal(token), ['--db', db, 'run', '--', ...echo, ':::', 'one'])
    expect(result.code, result.err).toBe(0)
    expect(result.out).toContain('token: seen')
  }, 60_000)
})
