import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEntry, tempDir, until } from '../support/test-farm'
import { cli, startCli, startServe } from './served-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

/** A loopback port nobody listens on (taken, then given back). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * Redis away (a wrong port, a server down): the job runs on the local workers, as documented, and the
 * command returns. No Redis server needed: nothing listens on the port.
 */
describe('a job command given a Redis that does not answer', () => {
  it('runs the job on its own workers and returns', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const redis = `redis://127.0.0.1:${await closedPort()}`
    const run = spawnSync(
      process.execPath,
      [
        cliEntry,
        '--db',
        join(dir.path, 'h.sqlite'),
        '--redis',
        redis,
        'probe',
        '--count',
        '3',
        '--sleep-ms',
        '400',
        '--workers',
        '1',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    )
    // Before, the job completed and the command then waited for ever to tell Redis it stopped.
    expect([run.status, run.signal], run.stderr).toEqual([0, null])
    expect(run.stdout).toMatch(/Completed job 1: 3 of 3 items done/)
    // And says the hosts were not there (ioredis tries again every 0.1 s at first; the units take 1.2 s).
    expect(run.stderr).toMatch(/warn: Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable .*local work goes on/)
  }, 60_000)
})

describe('a job command given a Redis, whose words are wrong', () => {
  it('says what is wrong in one line and returns', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const redis = `redis://127.0.0.1:${await closedPort()}`
    const run = await cli(
      join(dir.path, 'h.sqlite'),
      ['--redis', redis, 'probe', '--count', 'many', '--workers', '0'],
      30_000,
    )
    expect(run.code).toBe(2) // null when it had to be killed
    expect(run.err.trim().split('\n')).toEqual([expect.stringMatching(/^task-farm: .*--count/)])
  }, 60_000)
})

describe('a job command with no local workers, given a Redis that does not answer', () => {
  it('says so and that the job waits for remote hosts, then stops resumable on Ctrl-C', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const list = join(dir.path, 'urls.txt')
    writeFileSync(list, 'http://127.0.0.1:9/\n')
    const redis = `redis://127.0.0.1:${await closedPort()}`
    const db = join(dir.path, 'h.sqlite')
    // Redis refuses at once: before, that warning came before the job existed and was never shown,
    // and the command waited in silence.
    const run = startCli(db, ['--redis', redis, 'urls', list, '--workers', '0'])
    let err = ''
    run.stderr!.on('data', (chunk) => (err += chunk))
    try {
      await until(
        () => /is unreachable/.test(err) && /waits for remote hosts/.test(run.stdoutText()),
        'the warning and the note',
      )
      run.kill('SIGINT')
      expect((await run.result).code).toBe(130)
    } finally {
      run.kill('SIGKILL')
    }
  }, 60_000)
})

describe('--redis given while a farm already serves the history', () => {
  it('says the serving farm keeps its own remote workers, and the job runs there', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const db = join(dir.path, 'h.sqlite')
    const served = await startServe(db, dir.path)
    try {
      const redis = `redis://127.0.0.1:${await closedPort()}`
      const run = await cli(db, ['--redis', redis, 'probe', '--count', '2'])
      expect(run.code, run.err).toBe(0)
      expect(run.err).toMatch(/a farm already serves this history: it runs the job with its own remote workers/)
      expect(run.out).toMatch(/Completed job 1: 2 of 2 items done/)
      // Without the flag, nothing to say.
      expect((await cli(db, ['probe', '--count', '2'])).err).toBe('')
    } finally {
      await served.stop()
    }
  }, 60_000)
})
