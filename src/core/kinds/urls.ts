import { checkUrlText } from '../../shared/kinds/url-list-check'
import type { ItemRow } from '../../shared/api-types'
import type { UrlResult, UrlsSpec } from '../../shared/kinds/urls'
import { crawlOf } from '../../shared/kinds/urls-input'
import { normaliseUrl } from '../../shared/kinds/normalise-url'
import { checkReadable } from './job-inputs-check'
import type { KindHooks } from './kind-hooks'

/** Export columns, in the order a person reads a crawl report. */
const columns = [
  'url',
  'state',
  'final_url',
  'status',
  'error_class',
  'error_message',
  'redirects',
  'redirect_chain',
  'content_type',
  'charset',
  'body_bytes',
  'truncated',
  'ttfb_ms',
  'total_ms',
  'attempts',
  'title',
  'meta_description',
  'h1',
  'h1_count',
  'canonical',
  'meta_robots',
  'lang',
  'word_count',
  'internal_links',
  'external_links',
  'images',
] as const

/** A crawl's own columns: the page that linked to each page, and its links away from the start. */
const crawlColumns = ['found_from', 'depth'] as const

export const urlsHooks: KindHooks<UrlsSpec> = {
  /** Only a stat and the extraction rules: reading and parsing the list is the plan's work, in a worker. */
  async check(spec) {
    const problems = spec.extract.length ? await extractionProblems(spec) : []
    if (problems.length) return problems
    return inputProblems(spec)
  },
  exportRows: {
    columns,
    columnsFor: (spec) => [
      ...columns,
      ...(crawlOf(spec) ? crawlColumns : []),
      ...spec.extract.map((rule) => rule.name),
    ],
    row(item, spec) {
      const r = item.result as UrlResult | null
      // A crawl's rows say how each page was found; a failed page that left no row has neither.
      const found: Record<string, string | number | null> =
        spec && crawlOf(spec) ? { found_from: r?.foundFrom ?? null, depth: r?.depth ?? null } : {}
      return { ...builtInRow(item, r), ...found, ...r?.extracted }
    },
  },
}

/**
 * A bad selector or pattern, or a column name taken by a built-in column, as one sentence each. The
 * selector engine loads only for a job that extracts (every job command's farm checks every spec).
 */
async function extractionProblems(spec: UrlsSpec): Promise<string[]> {
  const { extractRuleProblem } = await import('../../shared/kinds/extract-rules')
  const problems: string[] = []
  for (const rule of spec.extract) {
    const problem = extractRuleProblem(rule)
    if (problem) problems.push(problem)
    else if ((columns as readonly string[]).includes(rule.name))
      problems.push(`The column name "${rule.name}" is taken by a built-in column; choose another.`)
  }
  return problems
}

async function inputProblems(spec: UrlsSpec): Promise<string[]> {
  if (spec.input.type === 'crawl') {
    const start = normaliseUrl(spec.input.url.trim())
    return start.ok ? [] : [`The crawl cannot start: ${start.problem}.`]
  }
  if (spec.input.type === 'sitemap') {
    const { source } = spec.input
    if (/^https?:\/\//i.test(source)) return URL.canParse(source) ? [] : [`The sitemap URL ${source} is not valid.`]
    return checkReadable(source, 'sitemap', 'file')
  }
  if (spec.input.type === 'text') {
    if (spec.input.text.trim() === '') return ['The pasted text has no URLs.']
    // The same check the dialog makes as you type: a list with no URL to analyse is refused before it starts.
    const list = checkUrlText(spec.input.text)
    if (!list || list.valid > 0) return []
    const n = list.invalidTotal
    return [
      n === 0
        ? 'The pasted text has no URLs.'
        : `The pasted text has no http(s) URL: ${n} line${n === 1 ? ' is' : 's are'} not URLs.`,
    ]
  }
  // Another job's units are read when this job's plan goes out (the farm checks that job exists).
  if (spec.input.type === 'job') return []
  return checkReadable(spec.input.path, 'URL list', 'file')
}

function builtInRow(item: ItemRow, r: UrlResult | null): Record<string, string | number | boolean | null> {
  return {
    url: item.key,
    state: item.state,
    final_url: r?.finalUrl ?? null,
    status: r?.status ?? null,
    // An item the engine failed (a bug, or a crashed worker) still gets a reason in the export.
    error_class: r?.errorClass ?? (item.state === 'failed' ? 'failed' : null),
    error_message: r?.errorMessage ?? item.error,
    redirects: r ? r.redirects.length : null,
    redirect_chain: r ? r.redirects.map((hop) => `${hop.status} ${hop.location}`).join(' -> ') : null,
    content_type: r?.contentType ?? null,
    charset: r?.charset ?? null,
    body_bytes: r?.bodyBytes ?? null,
    truncated: r?.truncated ?? null,
    ttfb_ms: r?.ttfbMs ?? null,
    total_ms: r?.totalMs ?? null,
    attempts: r?.attempts ?? item.attempts,
    title: r?.title ?? null,
    meta_description: r?.metaDescription ?? null,
    h1: r?.h1 ?? null,
    h1_count: r?.h1Count ?? null,
    canonical: r?.canonical ?? null,
    meta_robots: r?.metaRobots ?? null,
    lang: r?.lang ?? null,
    word_count: r?.wordCount ?? null,
    internal_links: r?.internalLinks ?? null,
    external_links: r?.externalLinks ?? null,
    images: r?.images ?? null,
  }
}
