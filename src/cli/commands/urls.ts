import type { Command } from 'commander'
import { text } from 'node:stream/consumers'
import { resolve } from 'node:path'
import type { UrlsSpec } from '../../shared/kinds/urls'
import { urlsSpecSchema } from '../../shared/kinds/urls'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { InvalidArgumentError } from 'commander'
import { readExtractRule } from '../../shared/kinds/extract-rule-text'
import { parseRate } from '../../shared/kinds/host-pacer'
import type { ExtractRule } from '../../shared/kinds/urls'
import { UserError } from '../../shared/user-error'
import { nonNegativeInt, nonNegativeSeconds, oneOf, positiveInt } from '../parse-options'
import type { CrawlInput } from '../../shared/kinds/crawl'
import { crawlScopes, type CrawlScope } from '../../shared/kinds/crawl-scope'
import { normaliseUrl } from '../../shared/kinds/normalise-url'

type CrawlInputIn = Pick<CrawlInput, 'type' | 'url'> & Partial<CrawlInput>
import { addAfterOptions, addFromOptions, afterOption, fromOption } from '../chain-options'
import { memfreeOption, withFarming } from '../farming-options'
import { runNewJob } from '../run-job'
import { exportOption, exportResults } from './export-results'
import { addFollowUpOptions } from '../follow-up-options'

/** `--rate 5/s` or `--rate 300/min`, as requests per second. */
function rateOption(value: string): number {
  const rate = parseRate(value)
  if (rate === null)
    throw new InvalidArgumentError('--rate must be a number of requests per second or minute, such as 5/s or 300/min.')
  return rate
}

/**
 * `--extract NAME=css:SELECTOR[@ATTR]` or `NAME=regex:PATTERN` (repeatable), its shape checked as typed;
 * its selector or pattern before anything else runs (the selector engine loads only then).
 */
function extractOption(value: string, previous: ExtractRule[] = []): ExtractRule[] {
  const rule = readExtractRule(value)
  if (typeof rule === 'string') throw new InvalidArgumentError(rule)
  return [...previous, rule]
}

/** `--crawl URL [--depth N] [--max-pages N] [--scope S]` as the job's input; null without `--crawl`. */
function crawlInput(o: Record<string, unknown>): CrawlInputIn | null {
  if (o.crawl === undefined) {
    if (o.depth !== undefined || o.maxPages !== undefined || o.scope !== undefined)
      throw new UserError('--depth, --max-pages and --scope go with --crawl URL.', 'no-input')
    return null
  }
  const url = (o.crawl as string).trim()
  // One sentence now, rather than a job that fails to plan.
  const start = normaliseUrl(url)
  if (!start.ok) throw new UserError(`The crawl cannot start: ${start.problem}.`, 'bad-start-url')
  return {
    type: 'crawl',
    url,
    ...(o.depth !== undefined ? { depth: o.depth as number } : {}),
    ...(o.maxPages !== undefined ? { maxPages: o.maxPages as number } : {}),
    ...(o.scope !== undefined ? { scope: o.scope as CrawlScope } : {}),
  }
}

/** `task-farm urls FILE|-` or `urls --sitemap URL|FILE`: analyse a list of URLs on the network pool, optionally exporting the rows. */
export function configureUrls(command: Command, cli: CliContext): void {
  const defaults = urlsSpecSchema.parse({ kind: 'urls', input: { type: 'text', text: '' } })
  addFromOptions(command, 'the URLs')
  addAfterOptions(command)
  addFollowUpOptions(command)
    .argument('[file]', 'the URL list, or - for standard input (or --from ID, --sitemap or --crawl)')
    .option('--sitemap <url|file>', "analyse a sitemap's pages (a sitemap index's too; gzip read as such)")
    .option('--crawl <url>', 'start from this page and follow its links, each URL once (robots.txt obeyed)')
    .option('--depth <n>', 'with --crawl: links followed at most from the start page', positiveInt('--depth', 1000))
    .option('--max-pages <n>', 'with --crawl: pages at most (default 10000)', positiveInt('--max-pages', 10_000_000))
    .option('--scope <scope>', 'with --crawl: host (default), domain or prefix', oneOf('--scope', crawlScopes))
    .option(
      '--rate <n/s>',
      'requests per second (5/s) or minute (300/min) at most to one host, for the whole farm',
      rateOption,
    )
    .option(
      '--extract <rule>',
      'a column of your own: NAME=css:SELECTOR[@ATTR] or NAME=regex:PATTERN (repeatable)',
      extractOption,
      [],
    )
    .option(
      '--concurrency <n>',
      'requests in flight for the whole job',
      positiveInt('--concurrency', 1000),
      defaults.concurrency,
    )
    .option(
      '--per-host <n>',
      'requests in flight to one host, per worker',
      positiveInt('--per-host', 256),
      defaults.perHost,
    )
    .option(
      '--timeout-ms <ms>',
      'budget of one request (connect, headers, body)',
      positiveInt('--timeout-ms', 600_000),
      defaults.timeoutMs,
    )
    .option(
      '--max-bytes <n>',
      'stop reading a body after this many bytes',
      positiveInt('--max-bytes', 1024 ** 3),
      defaults.maxBytes,
    )
    .option(
      '--retries <n>',
      'extra tries after 429, 503 or a network error',
      nonNegativeInt('--retries', 10),
      defaults.retries,
    )
    .option(
      '--retry-delay <s>',
      'wait before the first retry, doubled for each later one (±25 %; a Retry-After wins)',
      nonNegativeSeconds('--retry-delay'),
    )
    .option(
      '--max-redirects <n>',
      'redirects followed at most',
      nonNegativeInt('--max-redirects', 50),
      defaults.maxRedirects,
    )
    .option('--robots', 'skip URLs that robots.txt disallows (a crawl always does)')
    .option('--user-agent <s>', 'the User-Agent header', defaults.userAgent)
    .option('--out <file>', 'write the result rows to results.csv or results.json when the job ends', exportOption)
    .option('--force', 'let --out replace a file that is not an earlier export')
    .option(
      '--workers <n>',
      'worker processes of the network pool (0 with --redis: remote hosts only)',
      nonNegativeInt('--workers', 64),
    )
    .option('--detach', 'print the job id and return; the farm runs the job (`task-farm wait ID` waits for it)')
    .option(...memfreeOption)
    .option('--json', 'one JSON event per line')
    .action(
      commandAction(async (file: string | undefined, o) => {
        const rules = o.extract as ExtractRule[]
        if (rules.length) (await import('../../shared/kinds/extract-rules')).checkExtractRules(rules)
        const from = fromOption(o)
        const sitemap = o.sitemap as string | undefined
        const crawl = crawlInput(o)
        if (crawl && file !== undefined)
          throw new UserError('--crawl starts from one page: give it without a URL list file.', 'no-input')
        const sources = [file !== undefined, from !== null, sitemap !== undefined, crawl !== null].filter(Boolean)
        if (sources.length !== 1)
          throw new UserError(
            'Give the URL list (a file, or - for standard input), --from ID, --sitemap URL|FILE or --crawl URL: one of them.',
            'no-input',
          )
        const spec: UrlsSpec = urlsSpecSchema.parse({
          kind: 'urls',
          input:
            from ??
            crawl ??
            (sitemap !== undefined
              ? { type: 'sitemap', source: /^https?:\/\//i.test(sitemap) ? sitemap : resolve(sitemap) }
              : file === '-'
                ? { type: 'text', text: await text(process.stdin) }
                : { type: 'file', path: resolve(file!) }),
          ratePerSecond: o.rate ?? null,
          extract: o.extract,
          concurrency: o.concurrency,
          perHost: o.perHost,
          timeoutMs: o.timeoutMs,
          maxBytes: o.maxBytes,
          retries: o.retries,
          retryDelayS: o.retryDelay,
          maxRedirects: o.maxRedirects,
          robots: o.robots ?? false,
          userAgent: o.userAgent,
        })
        let jobId = 0
        const code = await runNewJob(cli, spec, withFarming(afterOption(o), o), {
          json: o.json,
          workers: o.workers,
          detach: o.detach,
          followUps: o,
          onCreated: (id) => (jobId = id),
        })
        if (o.out && jobId && !o.detach) await exportResults(cli, jobId, o.out, o.json, o.force)
        return code
      }),
    )
}
