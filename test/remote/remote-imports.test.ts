import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { listingLoads } from '../support/listed-loads'
import { cliEntry, tempDir } from '../support/test-farm'
import { testRedisServer } from '../support/suite-requirements'
import { TEST_REMOTE_KEY, TestRedis } from './remote-support'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean()
})

describe.skipIf(!testRedisServer())('a farm with remote workers (--redis)', () => {
  it('loads BullMQ, ioredis and msgpackr bundled, and not the unpacking addon BullMQ never uses', async () => {
    const redis = await TestRedis.start()
    cleanups.push(() => redis.stop())
    const dir = tempDir('task-farm-imports-')
    cleanups.push(() => dir.remove())
    const { loadedFile, env } = listingLoads(dir.path, { ...process.env, TASK_FARM_REMOTE_KEY: TEST_REMOTE_KEY })
    const run = spawnSync(
      process.execPath,
      [cliEntry, '--db', join(dir.path, 'h.sqlite'), '--redis', redis.url, 'probe', '--count', '2', '--workers', '1'],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env,
      },
    )
    expect(run.status, run.stderr).toBe(0)
    // The link loaded (each bundle file names the sources it holds), with msgpackr in it.
    const farmerFiles = readFileSync(`${loadedFile}.farmer`, 'utf8').split('\n').filter(Boolean)
    const sources = farmerFiles.map((file) => readFileSync(file, 'utf8')).join('\n')
    expect(sources).toContain('// node_modules/bullmq/')
    expect(sources).toContain('// node_modules/msgpackr/')
    // From node_modules only the native SQLite module: msgpackr-extract's search for its addon ran
    // detect-libc, which asks `process.report` for the C library, in every --redis farm's start.
    const packages = new Set(
      readFileSync(loadedFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((file) => file.split('/')[0]),
    )
    expect([...packages]).toEqual(['better-sqlite3'])
  }, 90_000)
})
