import { inspect } from 'node:util'
import type { ModuleSpec } from '../../shared/kinds/module'
import { parseInputLine } from '../../shared/kinds/module-input'
import type { KindHandler } from '../kind-handler'
import type { WorkItem } from '../../shared/worker-protocol'
import { readInputs } from './command/read-inputs'
import { runLimited } from './command/run-limited'
import { callModule, type CallOutcome } from './module/call-module'
import { loadTaskModule, moduleUrlFor } from './module/load-task-module'

/**
 * Module jobs (Python's `Pool.map`): the person's default export runs once per input in the pool's
 * workers. The plan loads the module first, so one that does not load fails the job before any input runs.
 */
export const moduleHandler: KindHandler<ModuleSpec> = {
  async plan(spec, ctx) {
    await loadTaskModule(await moduleUrlFor(spec.module), spec.module)
    let count = 0
    for await (const inputs of readInputs(spec.input, ctx.signal)) {
      // A call needs only its input (commands number theirs: `{#}`).
      ctx.emitKeys(inputs)
      count += inputs.length
    }
    if (ctx.signal.aborted) return
    return { notes: [`${count} input${count === 1 ? '' : 's'} to map`], facts: { inputs: count } }
  },

  async run(spec, items, ctx) {
    const fn = await loadTaskModule(await moduleUrlOf(spec.module, ctx.jobId), spec.module)
    const call = (item: WorkItem): CallOutcome | Promise<CallOutcome> =>
      callModule(fn, parseInputLine(item.key), {
        signal: ctx.signal,
        log: (...values) =>
          ctx.log('info', `${item.key}: ${values.map((v) => (typeof v === 'string' ? v : inspect(v))).join(' ')}`),
        // Shown as the input being worked on; units carry no bytes to count.
        progress: () => ctx.progress(item.id, 0),
      })
    const report = (item: WorkItem, outcome: CallOutcome): void => {
      if (!outcome) return
      if (outcome.ok) ctx.done(item.id, outcome.result)
      // Retryable: the job's retry policy (`--retries`) says whether it goes again.
      else ctx.failed(item.id, outcome.error, { code: outcome.code, retryable: outcome.code === 'threw' })
    }
    // With `concurrency` the farm sends as many units as the job has free slots: they run at once.
    if (spec.concurrency !== undefined) {
      await runLimited(items, items.length, ctx.signal, async (item) => report(item, await call(item)))
      return
    }
    // Without, they run in turn, as one call at a time per worker always did; plain values need no await.
    let since = performance.now()
    let i = 0
    for (const item of items) {
      if (ctx.signal.aborted) break
      const outcome = call(item)
      report(item, outcome instanceof Promise ? await outcome : outcome)
      // A long run of quick calls lets a cancel and the outbox's reports in every few milliseconds.
      if ((++i & 255) === 0 && performance.now() - since > YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        since = performance.now()
      }
    }
  },
}

/**
 * The module's URL for a job's task: looked up (a stat, for its version) again after half a second
 * only, as a map's tasks come every few tens of milliseconds; an edit still shows within that.
 */
async function moduleUrlOf(path: string, jobId: number): Promise<string> {
  const now = Date.now()
  if (lastUrl?.path === path && lastUrl.jobId === jobId && now - lastUrl.at < URL_FRESH_MS) return lastUrl.url
  const url = await moduleUrlFor(path)
  lastUrl = { path, jobId, url, at: now }
  return url
}
let lastUrl: { path: string; jobId: number; url: string; at: number } | null = null
const URL_FRESH_MS = 500

/** How long a run of synchronous calls holds the worker's event loop at most. */
const YIELD_MS = 20
