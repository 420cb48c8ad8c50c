import type { IncomingMessage } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import { wireTokenCookie, wireTokenParam } from '../shared/web-wire'

/**
 * Decides whether a request may reach the farm. Any web page the user opens could otherwise talk
 * to 127.0.0.1, so every request must carry the random token, name this host in `Host` (defeats
 * DNS rebinding), and — for the WebSocket, which browsers let any page open — come from this
 * host's own origin.
 */
export interface RequestGuard {
  /** Why the request is refused, or null when it may pass. */
  refuse(request: IncomingMessage, url: URL, options: { needsOrigin: boolean }): string | null
  /** The `Set-Cookie` value that lets the page's own assets load without the token in their URLs. */
  readonly cookie: string
}

export function createRequestGuard(token: string, port: number): RequestGuard {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  const origins = new Set([...hosts].map((h) => `http://${h}`))
  const expected = Buffer.from(token)
  const sameToken = (given: string | undefined): boolean => {
    if (!given) return false
    const candidate = Buffer.from(given)
    return candidate.length === expected.length && timingSafeEqual(candidate, expected)
  }

  return {
    cookie: `${wireTokenCookie}=${token}; Path=/; HttpOnly; SameSite=Strict`,
    refuse(request, url, { needsOrigin }) {
      if (!hosts.has(request.headers.host ?? '')) return 'unexpected Host header'
      const origin = request.headers.origin
      if (needsOrigin ? !origin || !origins.has(origin) : origin !== undefined && !origins.has(origin)) {
        return 'unexpected Origin header'
      }
      if (sameToken(url.searchParams.get(wireTokenParam) ?? undefined)) return null
      if (sameToken(readCookie(request.headers.cookie, wireTokenCookie))) return null
      return 'missing or wrong token'
    },
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}
