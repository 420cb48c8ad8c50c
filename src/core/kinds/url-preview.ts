import { checkExtractRules } from '../../shared/kinds/extract-rules'
import { extractValues } from '../../shared/kinds/extract-values'
import type { ExtractRule } from '../../shared/kinds/urls'
import { UserError } from '../../shared/user-error'

/** One page, read at most this far: a preview of extraction rules, not an analysis. */
const PREVIEW_MAX_BYTES = 2 * 1024 * 1024
const PREVIEW_TIMEOUT_MS = 15_000

export interface UrlPreview {
  status: number
  finalUrl: string
  values: Record<string, string | null>
}

/**
 * The URL dialog's preview of its extraction rules against one page. The farmer reads this one
 * bounded page itself, on a person's click, as it stats a path for `check`: a whole job's pages are
 * always parsed in workers.
 */
export async function previewExtraction(
  url: string,
  rules: readonly ExtractRule[],
  userAgent: string,
): Promise<UrlPreview> {
  checkExtractRules(rules)
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url))
    throw new UserError(`The page to preview, "${url.slice(0, 200)}", is not an http(s) URL.`, 'preview-bad-url')
  let response: Response
  try {
    response = await fetch(url, {
      headers: { 'user-agent': userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' },
      signal: AbortSignal.timeout(PREVIEW_TIMEOUT_MS),
    })
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    const why = cause?.code ?? cause?.message ?? (error as Error).message
    throw new UserError(`The page ${url} could not be fetched (${why}).`, 'preview-unreachable')
  }
  const html = await readBounded(response, PREVIEW_MAX_BYTES)
  return { status: response.status, finalUrl: response.url || url, values: extractValues(rules, html) }
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const charset = /charset=["']?([\w-]+)/i.exec(response.headers.get('content-type') ?? '')?.[1] ?? 'utf-8'
  let decoder = new TextDecoder('utf-8')
  try {
    decoder = new TextDecoder(charset)
  } catch {
    // A charset the runtime does not know: UTF-8 reads most pages well enough for a preview.
  }
  if (!response.body) return ''
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>
  let text = ''
  let bytes = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.length
    text += decoder.decode(value, { stream: true })
    if (bytes >= maxBytes) {
      await reader.cancel()
      break
    }
  }
  return text + decoder.decode()
}
