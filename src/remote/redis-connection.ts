import { Redis } from 'ioredis'
import { UserError } from '../shared/user-error'

/**
 * One ioredis connection from a Redis URL (`redis://[user:password@]host:port[/db]`, or `rediss://`
 * for TLS), set up the way BullMQ needs it: commands wait through a reconnect instead of failing, and
 * reconnecting never gives up, so a Redis restart costs a pause, not the farm.
 */
export function connectRedis(url: string, name: string): Redis {
  checkRedisUrl(url)
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    connectionName: name,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  })
  // Reconnects are routine (a Redis restart); ioredis would print each error without a listener.
  redis.on('error', () => {})
  return redis
}

export function checkRedisUrl(url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UserError(
      `"${url}" is not a Redis URL: write it as redis://HOST:PORT (or rediss:// for TLS).`,
      'bad-redis-url',
    )
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UserError(
      `"${redactRedisUrl(url)}" is not a Redis URL: it must start with redis:// or rediss://.`,
      'bad-redis-url',
    )
  }
}

/** The URL without its password, for logs and the window. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable URL)'
  }
}

/**
 * Resolves once the connection is ready; a wrong password, an untrusted certificate or no answer
 * within `timeoutMs` becomes one clear sentence instead of an endless reconnect loop. `waiting` hears
 * once, at the first error worth waiting through, what it waits for (15 s in silence looked hung).
 */
export function redisReady(
  redis: Redis,
  url: string,
  waiting: (reason: string) => void = () => {},
  timeoutMs = 15_000,
): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve()
  return new Promise((resolve, reject) => {
    let last = 'no answer'
    let told = false
    const done = (error?: string): void => {
      clearTimeout(timer)
      redis.off('ready', onReady)
      redis.off('error', onError)
      if (error) reject(new UserError(`Cannot use Redis at ${redactRedisUrl(url)}: ${error}.`, 'redis-unreachable'))
      else resolve()
    }
    const onReady = (): void => done()
    const onError = (error: Error): void => {
      last = error.message
      // Waiting cannot fix these: say so now.
      if (/WRONGPASS|NOAUTH|invalid (username|password)|certificate|self[- ]signed|ENOTFOUND/i.test(error.message))
        done(error.message)
      else if (!told) {
        // A Redis still starting answers soon; a mistyped port never does: either way, say what it waits for.
        told = true
        waiting(
          `Redis at ${redactRedisUrl(url)} does not answer yet (${error.message}): trying for ${timeoutMs / 1000} s`,
        )
      }
    }
    const timer = setTimeout(() => done(last), timeoutMs)
    redis.on('ready', onReady)
    redis.on('error', onError)
  })
}
