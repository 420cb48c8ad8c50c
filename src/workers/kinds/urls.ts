import { setMaxListeners } from 'node:events'
import type { Agent } from 'undici'
import type { UrlsPayload, UrlsSpec } from '../../shared/kinds/urls'
import { crawlOf, obeysRobots } from '../../shared/kinds/urls-input'
import { UserError } from '../../shared/user-error'
import type { KindHandler } from '../kind-handler'
import { analyseInTurn, localHostTurns } from './urls/paced-fetch'
import { loadHttpClient } from './urls/fetch-chain'
import { HostLimitedQueue } from './urls/host-limited-queue'
import { freeUntilThrottled } from './urls/free-turns'
import { normaliseUrl } from '../../shared/kinds/normalise-url'
import { readSitemap } from './urls/read-sitemap'
import { readUrlList } from './urls/read-url-list'
import { crawlPayload, describeFinding, emitLinks, planCrawl } from './urls/crawl-pages'

// A worker started for a URL job loads this module while the farm gets ready (`--load-kind`): the HTTP
// client starts loading with it, not on the first URL (a cold worker waited ~65 ms there).
loadHttpClient().catch(() => {
  // The first request awaits the same load and reports why it failed.
})

/** Invalid lines logged one by one; past this a single summary line says how many more. */
const MAX_LINE_WARNINGS = 1000

/**
 * The URL-analysis kind. The plan reads and checks the list here in the worker (it may be large);
 * each run fetches a batch concurrently over this worker's keep-alive connection pools.
 */
export const urlsHandler: KindHandler<UrlsSpec> = {
  async plan(spec, ctx) {
    const crawl = crawlOf(spec)
    if (crawl) return planCrawl(crawl, (unit) => ctx.emit(unit))
    const seen = new Set<string>()
    let invalid = 0
    let duplicates = 0
    const { input } = spec
    const lines =
      input.type === 'crawl'
        ? []
        : input.type === 'sitemap'
          ? readSitemap(input.source, { ...spec, signal: ctx.signal, warn: (message) => ctx.log('warn', message) })
          : readUrlList(input)
    for await (const { line, text } of lines) {
      if (ctx.signal.aborted) return
      const normalised = normaliseUrl(text)
      if (!normalised.ok) {
        if (++invalid <= MAX_LINE_WARNINGS) ctx.log('warn', `line ${line}: ${normalised.problem}; skipped`)
        continue
      }
      if (seen.has(normalised.url)) {
        duplicates++
        continue
      }
      seen.add(normalised.url)
      ctx.emit({ key: normalised.url, payload: { line } satisfies UrlsPayload, size: 0 })
    }
    if (invalid > MAX_LINE_WARNINGS) ctx.log('warn', `${invalid - MAX_LINE_WARNINGS} more invalid lines skipped`)
    const valid = seen.size
    if (valid === 0) {
      throw new UserError(
        invalid > 0 ? `The list has no valid http(s) URL (${invalid} invalid lines).` : 'The list has no URLs.',
        'input-empty',
      )
    }
    const notes = [`${valid} URLs to analyse`]
    if (invalid > 0) notes.push(`${invalid} invalid lines skipped (see the log)`)
    if (duplicates > 0) notes.push(`${duplicates} duplicates analysed once`)
    return { notes, facts: { valid, invalid, duplicates } }
  },

  async run(spec, items, ctx) {
    const dispatcher = await dispatcherFor(spec)
    // The farm bounds the job's requests in flight (its slots); this bounds what this worker holds.
    const total = spec.concurrency
    // Every request in flight listens for the job's cancellation; that many listeners is no leak.
    setMaxListeners(total + 10, ctx.signal)
    const queue = queueFor(ctx.jobId, { total, perKey: spec.perHost })
    // Without a rate the farmer's turns are asked for only once a host throttles (`freeUntilThrottled`).
    const turns = ctx.hostTurns
      ? !spec.ratePerSecond
        ? freeUntilThrottled(ctx.jobId, ctx.hostTurns)
        : ctx.hostTurns
      : localHostTurns(ctx.jobId, spec)
    const crawl = crawlOf(spec)
    // A crawl always obeys robots.txt, and keeps the links of the pages that lead on.
    const settings = { ...spec, robots: obeysRobots(spec), strictRobots: crawl !== null, collectLinks: crawl !== null }
    await Promise.all(
      Array.from(items, (item) =>
        queue.run(new URL(item.key).host, async () => {
          if (ctx.signal.aborted) return
          // Found pages are stored by the farmer from local workers only; a crawl's tasks go to none else.
          if (crawl && !ctx.emit)
            return ctx.failed(item.id, 'Crawling a page needs a local worker; this one cannot add pages.')
          ctx.progress(item.id, 0)
          const analysed = await analyseInTurn(
            item.key,
            settings,
            { dispatcher, signal: ctx.signal },
            item.attempt,
            turns,
          )
          // A cancelled item stays pending, so a resumed job analyses it again.
          if (!analysed || ctx.signal.aborted) return
          const { row, retryable, retryAfterMs } = analysed
          if (crawl) describeFinding(row, crawlPayload(item))
          // Tries left (`retries`): the farm's retry policy sends it again after its backoff. The last
          // try's row is the result, error class and all: a URL that answers is never a failed unit.
          if (retryable && item.attempt <= spec.retries)
            ctx.failed(item.id, row.errorMessage ?? `HTTP ${row.status}`, {
              code: row.errorClass ?? 'http-error',
              retryable: true,
              result: row,
              ...(retryAfterMs !== null ? { retryAfterMs } : {}),
            })
          else {
            // What a page found goes with its `done`: the farmer stores both in one transaction.
            if (crawl && ctx.emit)
              emitLinks(
                crawl,
                { url: item.key, payload: crawlPayload(item), finalUrl: row.finalUrl },
                analysed.links,
                (unit) => ctx.emit!(item.id, unit),
              )
            ctx.done(item.id, row)
          }
        }),
      ),
    )
    if (queues.get(ctx.jobId)?.idle) queues.delete(ctx.jobId)
  },
}

/** One queue per job in this worker, shared by the tasks it holds for that job. */
const queues = new Map<number, HostLimitedQueue>()
function queueFor(jobId: number, limits: { total: number; perKey: number }): HostLimitedQueue {
  let queue = queues.get(jobId)
  if (!queue) queues.set(jobId, (queue = new HostLimitedQueue(limits)))
  return queue
}

/**
 * Keep-alive connection pools live as long as the worker, across batches and jobs; one agent per
 * connect timeout, as that is fixed when an agent is made.
 */
const agents = new Map<number, Agent>()
const MAX_AGENTS = 4

async function dispatcherFor(spec: UrlsSpec): Promise<Agent> {
  const { Agent } = await loadHttpClient()
  let agent = agents.get(spec.timeoutMs)
  if (!agent) {
    if (agents.size >= MAX_AGENTS) {
      const [oldestKey, oldest] = agents.entries().next().value!
      agents.delete(oldestKey)
      void oldest.close()
    }
    agent = new Agent({ connect: { timeout: spec.timeoutMs }, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 })
    agents.set(spec.timeoutMs, agent)
  }
  return agent
}
