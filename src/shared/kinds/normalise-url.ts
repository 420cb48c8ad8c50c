/** A URL made comparable, or why the text is not one we can analyse. */
export type NormalisedUrl = { ok: true; url: string } | { ok: false; problem: string }

/**
 * Makes a candidate comparable so that duplicates are analysed once: WHATWG parsing lower-cases
 * the scheme and host, drops default ports and resolves dot segments; the fragment is dropped
 * because it never reaches the server. Only absolute http(s) URLs are accepted.
 */
export function normaliseUrl(text: string): NormalisedUrl {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    return { ok: false, problem: `"${clip(text)}" is not an absolute URL (add http:// or https://)` }
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { ok: false, problem: `"${clip(text)}" is not a valid URL` }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: `"${clip(text)}" is not an http or https URL` }
  }
  if (url.hostname === '') return { ok: false, problem: `"${clip(text)}" has no host` }
  url.hash = ''
  return { ok: true, url: url.href }
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}
