import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { cliEntry, tempDir } from '../support/test-farm'
import { TestHost, TestRedis } from './remote-support'
import { testRedisServer } from '../support/suite-requirements'

/** Redis behind a password and TLS (rediss://), as a farm across machines should use it. */
describe.skipIf(!testRedisServer())('remote workers over TLS with a password', () => {
  let redis: TestRedis | null = null
  let hosts: TestHost[] = []
  const dir = tempDir()

  afterEach(async () => {
    await Promise.all(hosts.map((h) => h.stop()))
    hosts = []
    await redis?.stop()
    redis = null
  })
  afterAll(() => dir.remove())

  it('runs a job on a remote host through rediss:// with a password; a wrong password is one clear sentence', async () => {
    redis = await TestRedis.start({ password: 'pa:ss word', tls: true })
    const trust = { NODE_EXTRA_CA_CERTS: redis.caFile }
    hosts = [new TestHost(redis.url, 'secure', [], trust)]
    const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          cliEntry,
          '--db',
          join(dir.path, 'history.sqlite'),
          '--redis',
          redis!.url,
          'probe',
          '--count',
          '300',
          '--workers',
          '0',
          '--json',
        ],
        { env: { ...process.env, ...trust } },
        (error, out, err) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out, err }),
      )
    })
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    const end = run.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; itemsDone?: number })
      .find((e) => e.event === 'end')
    expect(end?.itemsDone).toBe(300)
    expect(run.out).not.toContain('pa:ss')

    const intruder = new TestHost(redis.url.replace('pa%3Ass%20word', 'wrong'), 'intruder', [], trust)
    hosts.push(intruder)
    expect(await intruder.exited).toBe(2)
    expect(intruder.output.join('')).toMatch(
      /^task-farm: Cannot use Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+\/?: WRONGPASS/m,
    )
  }, 120_000)
})
