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
    throw new UserError(`"${url}" is not a Redis URL: write it as redis://HOST:PORT (or rediss:// for TLS).`, 'bad-redis-url')
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UserError(`"${redactRedisUrl(url)}" is not a Redis URL: it must start with redis:// or rediss://.`, 'bad-redis-url')
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
