import { performance } from 'node:perf_hooks'
import type { Dispatcher } from 'undici'
import type { RedirectHop } from '../../../shared/kinds/urls'
import { UrlFetchError } from './classify-error'
import { readBody, type BodyOutcome } from './read-body'

const redirectStatuses = new Set([301, 302, 303, 307, 308])

export interface ChainOptions {
  dispatcher: Dispatcher
  userAgent: string
  /** Budget of each request of the chain: connect, headers and whole body. */
  timeoutMs: number
  maxBytes: number
  maxRedirects: number
  /** The job's cancellation. */
  signal: AbortSignal
  /** How to read the final body, told its URL and headers; defaults to counting it. */
  use?: (finalUrl: string, contentType: string | null) => Parameters<typeof readBody>[3]
  onBytes?: (bytes: number) => void
}

/** The final answer of a chain of requests. */
export interface ChainAnswer {
  finalUrl: string
  status: number
  headers: Record<string, string | string[] | undefined>
  contentType: string | null
  redirects: RedirectHop[]
  /** From the chain's start to the final response's headers. */
  ttfbMs: number
  body: BodyOutcome
}

/**
 * Fetches a URL and follows its redirects by hand, so every hop is recorded and a loop is caught
 * at its first repeat. Throws a network error (to classify) or a UrlFetchError; an HTTP error status
 * is an answer, not an exception. The `redirects` array is filled as hops happen, so a caller still
 * sees them when a later hop throws.
 */
export async function fetchChain(
  url: string,
  options: ChainOptions,
  redirects: RedirectHop[] = [],
): Promise<ChainAnswer> {
  const { request } = await loadHttpClient()
  const started = performance.now()
  const visited = new Set([url])
  let current = url
  for (;;) {
    const deadline = createDeadline(options.timeoutMs, options.signal)
    try {
      const response = await request(options.dispatcher, current, {
        method: 'GET',
        signal: deadline.signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        headers: {
          'user-agent': options.userAgent,
          accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
          'accept-encoding': 'gzip, deflate, br',
        },
      })
      const ttfbMs = performance.now() - started
      const location = header(response.headers, 'location')
      if (redirectStatuses.has(response.statusCode) && location !== null) {
        // Reading a redirect's small body keeps its connection for the next request.
        await response.body.dump({ limit: 64 * 1024 }).catch(() => response.body.destroy())
        const next = resolveRedirect(location, current)
        redirects.push({ status: response.statusCode, location: next })
        if (visited.has(next)) throw new UrlFetchError('redirect-loop', `redirect loop: ${next} was visited before`)
        if (redirects.length > options.maxRedirects) {
          throw new UrlFetchError('too-many-redirects', `more than ${options.maxRedirects} redirects`)
        }
        visited.add(next)
        current = next
        continue
      }
      const contentType = header(response.headers, 'content-type')
      const use = options.use?.(current, contentType) ?? { as: 'count' }
      const body = await readBody(
        response.body,
        header(response.headers, 'content-encoding'),
        options.maxBytes,
        use,
        options.onBytes,
      )
      return {
        finalUrl: current,
        status: response.statusCode,
        headers: response.headers,
        contentType,
        redirects,
        ttfbMs,
        body,
      }
    } catch (error) {
      throw deadline.explain(error)
    } finally {
      deadline.clear()
    }
  }
}

/**
 * The HTTP client is loaded on first use: every worker process loads every kind's handler, and the
 * workers of the disk and CPU pools need not pay for an HTTP client they never use.
 */
let httpClient: Promise<typeof import('./http-client')> | null = null
export function loadHttpClient(): Promise<typeof import('./http-client')> {
  httpClient ??= import('./http-client')
  return httpClient
}

function resolveRedirect(location: string, from: string): string {
  let next: URL
  try {
    next = new URL(location, from)
  } catch {
    throw new UrlFetchError('bad-redirect', `redirect to an invalid URL: ${location.slice(0, 200)}`)
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new UrlFetchError('bad-redirect', `redirect to a non-http URL: ${next.href.slice(0, 200)}`)
  }
  next.hash = ''
  return next.href
}

export function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name]
  if (value === undefined) return null
  return Array.isArray(value) ? (value[0] ?? null) : value
}

/** One request's whole-budget timer joined with the job's cancellation. */
function createDeadline(timeoutMs: number, jobSignal: AbortSignal) {
  // A listener removed per request, rather than AbortSignal.any, which keeps every request's
  // signal tied to the job's long-lived one until the garbage collector comes by.
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  const onJobAbort = (): void => controller.abort()
  if (jobSignal.aborted) controller.abort()
  else jobSignal.addEventListener('abort', onJobAbort, { once: true })
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer)
      jobSignal.removeEventListener('abort', onJobAbort)
    },
    /** An abort by our timer is a timeout; by the job, a cancellation; anything else passes through. */
    explain(error: unknown): unknown {
      if (error instanceof UrlFetchError) return error
      if (jobSignal.aborted) return new UrlFetchError('network', 'cancelled')
      if (controller.signal.aborted) return new UrlFetchError('timeout', `no complete answer within ${timeoutMs} ms`)
      return error
    },
  }
}
