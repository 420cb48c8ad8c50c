import { performance } from 'node:perf_hooks'
import type { Dispatcher } from 'undici'
import type { RedirectHop, UrlResult, UrlsSpec } from '../../../shared/kinds/urls'
import { charsetFromContentType } from './charset'
import { classifyError, type ClassifiedError } from './classify-error'
import { fetchChain, header, type ChainAnswer, type ChainOptions } from './fetch-chain'
import { emptyPageFacts } from './page-facts'
import { parseRetryAfter, retryableStatuses } from './retry-policy'
import { robotsRefusal } from './robots'

// Taken from the module itself, not imported: importing `node:http` builds its ES-module face, whose
// `WebSocket` getter loads Node's own copy of undici (~15 ms and some MB per URL worker, never used).
const { STATUS_CODES } = process.getBuiltinModule('node:http')

export type AnalyseSettings = Pick<UrlsSpec, 'userAgent' | 'timeoutMs' | 'maxBytes' | 'maxRedirects' | 'robots'> &
  Partial<Pick<UrlsSpec, 'extract'>> & {
    /** A crawl's page whose links are followed: keep them (`AnalysedUrl.links`). */
    collectLinks?: boolean
    /** A crawl: a robots.txt that cannot be read refuses the URL for now (see `robotsRefusal`). */
    strictRobots?: boolean
  }

export interface AnalyseContext {
  dispatcher: Dispatcher
  signal: AbortSignal
  onBytes?: (bytes: number) => void
}

/** One try's row, and whether the farm's retry policy may try the URL again (after `retryAfterMs`). */
export interface AnalysedUrl {
  row: UrlResult
  retryable: boolean
  /** The server's Retry-After, when it gave one. */
  retryAfterMs: number | null
  /** With `collectLinks`, the links of a page that answered 2xx with HTML; else empty. */
  links: ReadonlySet<string>
}

/**
 * Analyses one URL into its result row, once: retries (429, 503, network errors) are the farm's, by
 * its retry policy. Never throws for anything the network or the server does: DNS failures,
 * resets, 404s, loops and bombs all end as a row with an error class.
 */
export async function analyseUrl(
  url: string,
  settings: AnalyseSettings,
  context: AnalyseContext,
  attempt = 1,
): Promise<AnalysedUrl> {
  const started = performance.now()
  const chain: Omit<ChainOptions, 'use' | 'maxBytes'> = {
    dispatcher: context.dispatcher,
    userAgent: settings.userAgent,
    timeoutMs: settings.timeoutMs,
    maxRedirects: settings.maxRedirects,
    signal: context.signal,
    onBytes: context.onBytes,
  }
  const rules = settings.extract ?? []
  const row = emptyRow(url)
  row.attempts = attempt
  if (rules.length) row.extracted = Object.fromEntries(rules.map((rule) => [rule.name, null]))
  const final = (error: ClassifiedError): AnalysedUrl => ({
    row: finish(row, started, error),
    retryable: error.retryable,
    retryAfterMs: null,
    links: noLinks,
  })
  const reserved = reservedHostProblem(url)
  if (reserved) return final({ errorClass: 'dns', message: reserved, retryable: false })
  if (settings.robots) {
    const refusal = await robotsRefusal(url, chain, settings.strictRobots)
    if (refusal)
      return final({ errorClass: 'robots-disallowed', message: refusal.reason, retryable: refusal.retryable })
  }
  const redirects: RedirectHop[] = []
  let answer: ChainAnswer | null = null
  let failure: ClassifiedError | null = null
  try {
    answer = await fetchChain(
      url,
      {
        ...chain,
        maxBytes: settings.maxBytes,
        use: (pageUrl, contentType) =>
          isHtml(contentType)
            ? {
                as: 'html',
                pageUrl,
                headerCharset: charsetFromContentType(contentType),
                keepText: rules.length > 0,
                collectLinks: settings.collectLinks ?? false,
              }
            : { as: 'count' },
      },
      redirects,
    )
  } catch (error) {
    failure = classifyError(error)
  }
  row.redirects = redirects
  if (answer) describeAnswer(row, answer)
  if (answer?.body.facts && answer.body.text !== null && rules.length)
    row.extracted = (await loadExtractValues()).extractValues(rules, answer.body.text)
  if (failure) setError(row, failure)
  row.totalMs = Math.round(performance.now() - started)
  return {
    row,
    retryable: failure ? failure.retryable : answer !== null && retryableStatuses.has(answer.status),
    retryAfterMs: answer ? parseRetryAfter(header(answer.headers, 'retry-after')) : null,
    // Only a page that answered well leads on: an error page's links are the site's template, not its pages.
    links: (!failure && row.errorClass === null && answer?.body.links) || noLinks,
  }
}

const noLinks: ReadonlySet<string> = new Set()

function describeAnswer(row: UrlResult, answer: ChainAnswer): void {
  row.finalUrl = answer.finalUrl
  row.status = answer.status
  row.contentType = answer.contentType
  row.ttfbMs = Math.round(answer.ttfbMs)
  row.bodyBytes = answer.body.bytes
  row.truncated = answer.body.truncated
  row.charset = answer.body.charset
  if (answer.body.facts) Object.assign(row, answer.body.facts)
  if (answer.status >= 400) {
    setError(row, {
      errorClass: 'http-error',
      message: `HTTP ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`.trim(),
      retryable: false,
    })
  } else if (answer.body.truncated) {
    setError(row, {
      errorClass: 'too-large',
      message: `stopped reading after ${answer.body.bytes} bytes`,
      retryable: false,
    })
  } else if (!answer.body.facts && answer.status < 300) {
    setError(row, {
      errorClass: 'not-html',
      message: `not parsed: ${answer.contentType ?? 'no content type'}`,
      retryable: false,
    })
  }
}

function setError(row: UrlResult, error: ClassifiedError): void {
  row.errorClass = error.errorClass
  row.errorMessage = error.message
}

function finish(row: UrlResult, started: number, error: ClassifiedError): UrlResult {
  setError(row, error)
  row.totalMs = Math.round(performance.now() - started)
  return row
}

/** Missing content type counts as HTML: the parser copes with anything, and old servers omit it. */
function isHtml(contentType: string | null): boolean {
  if (contentType === null) return true
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase()
  return type === 'text/html' || type === 'application/xhtml+xml'
}

/**
 * RFC 6761 names that never resolve: answered at once, without asking a resolver, so a list with
 * test hosts neither waits on DNS nor sends their names off the machine.
 */
function reservedHostProblem(url: string): string | null {
  const host = new URL(url).hostname.toLowerCase().replace(/\.$/, '')
  return host === 'invalid' || host.endsWith('.invalid')
    ? `${host} is a reserved name that never resolves (RFC 6761)`
    : null
}

function emptyRow(url: string): UrlResult {
  return {
    url,
    finalUrl: null,
    status: null,
    redirects: [],
    contentType: null,
    charset: null,
    bodyBytes: 0,
    truncated: false,
    ttfbMs: null,
    totalMs: 0,
    attempts: 1,
    errorClass: null,
    errorMessage: null,
    ...emptyPageFacts(),
  }
}

/** The selector engine (css-select and its DOM), loaded by a worker whose job extracts columns of its own. */
const loadExtractValues = (): Promise<typeof import('../../../shared/kinds/extract-values')> =>
  (extractValuesModule ??= import('../../../shared/kinds/extract-values'))
let extractValuesModule: Promise<typeof import('../../../shared/kinds/extract-values')> | undefined
