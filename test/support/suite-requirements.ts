import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { findTestBrowser, type TestBrowser } from './test-browser'

/**
 * What the suites that need a program from outside Node (a browser, redis-server) found. test/global-setup.ts
 * looks once, before the test files start, and hands the answer to them in these variables.
 */
const browserVariable = 'TASK_FARM_TEST_BROWSER'
const redisVariable = 'TASK_FARM_TEST_REDIS_SERVER'

/** Set by .ci/run: a suite that cannot run fails the run instead of being skipped. */
export const requireAllSuites = (env = process.env): boolean => env.TASK_FARM_REQUIRE_ALL_SUITES === '1'

/** redis-server: `REDIS_SERVER_PATH` when set, else the first on PATH; a string says why there is none. */
export function findRedisServer(env = process.env): { path: string } | string {
  const asked = env.REDIS_SERVER_PATH
  if (asked) return isExecutable(asked) ? { path: asked } : `REDIS_SERVER_PATH points at ${asked}, which cannot run`
  const found = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((folder) => join(folder, 'redis-server'))
    .find(isExecutable)
  return found ? { path: found } : 'no redis-server on PATH: apt-get install redis-server, or set REDIS_SERVER_PATH'
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Looks for the browser and redis-server, and returns what to tell the tests (the variables above) and the
 * person (one line for the browser that runs, one for each kind of suite skipped and why). Throws instead
 * of skipping when every suite is required.
 */
export async function lookForSuitePrograms(
  cacheDir: string,
  env = process.env,
): Promise<{ variables: Record<string, string>; lines: string[] }> {
  const browser = await findTestBrowser(cacheDir, env)
  const redis = findRedisServer(env)
  const skipped: string[] = []
  if (typeof browser === 'string') skipped.push(`the browser suites (${browser})`)
  if (typeof redis === 'string') skipped.push(`the remote-worker suites (${redis})`)
  if (skipped.length && requireAllSuites(env))
    throw new Error(`TASK_FARM_REQUIRE_ALL_SUITES=1, and these cannot run: ${skipped.join('; ')}.`)
  // Empty, not absent, so a value left in the environment by an earlier run is overwritten.
  const variables: Record<string, string> = { [browserVariable]: '', [redisVariable]: '' }
  const lines = skipped.map((what) => `Skipped: ${what}.`)
  if (typeof browser !== 'string') {
    variables[browserVariable] = JSON.stringify(browser)
    lines.push(`Browser suites run on ${browser.label}.`)
  }
  if (typeof redis !== 'string') variables[redisVariable] = redis.path
  return { variables, lines }
}

/** The browser global setup found, or undefined (the browser suites are skipped then). */
export function testBrowser(): TestBrowser | undefined {
  const found = process.env[browserVariable]
  return found ? (JSON.parse(found) as TestBrowser) : undefined
}

/** The redis-server global setup found, or undefined (the remote-worker suites are skipped then). */
export function testRedisServer(): string | undefined {
  return process.env[redisVariable] || undefined
}
