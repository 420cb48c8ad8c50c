import { inspect } from 'node:util'
import type { InputPayload } from '../../shared/kinds/command'
import { parseInputLine, type ModuleSpec } from '../../shared/kinds/module'
import type { KindHandler } from '../kind-handler'
import { readInputs } from './command/read-inputs'
import { runLimited } from './command/run-limited'
import { callModule } from './module/call-module'
import { loadTaskModule, moduleUrlFor } from './module/load-task-module'

/**
 * Module jobs (Python's `Pool.map`): the person's default export runs once per input in the pool's
 * workers. The plan loads the module first, so one that does not load fails the job before any input runs.
 */
export const moduleHandler: KindHandler<ModuleSpec> = {
  async plan(spec, ctx) {
    await loadTaskModule(await moduleUrlFor(spec.module), spec.module)
    let count = 0
    for await (const input of readInputs(spec.input, ctx.signal)) {
      count++
      ctx.emit({ key: input, payload: { seq: count } satisfies InputPayload, size: 0 })
    }
    if (ctx.signal.aborted) return
    return { notes: [`${count} input${count === 1 ? '' : 's'} to map`], facts: { inputs: count } }
  },

  async run(spec, items, ctx) {
    const fn = await loadTaskModule(await moduleUrlFor(spec.module), spec.module)
    // With `concurrency` the farm sends as many units as the job has free slots: they run at once.
    // Without, they run in turn, as one call at a time per worker always did.
    await runLimited(items, spec.concurrency === undefined ? 1 : items.length, ctx.signal, async (item) => {
      const outcome = await callModule(fn, parseInputLine(item.key), {
        signal: ctx.signal,
        log: (...values) =>
          ctx.log('info', `${item.key}: ${values.map((v) => (typeof v === 'string' ? v : inspect(v))).join(' ')}`),
        // Shown as the input being worked on; units carry no bytes to count.
        progress: () => ctx.progress(item.id, 0),
      })
      if (!outcome) return
      if (outcome.ok) ctx.done(item.id, outcome.result)
      // Retryable: the job's retry policy (`--retries`) says whether it goes again.
      else ctx.failed(item.id, outcome.error, { code: outcome.code, retryable: outcome.code === 'threw' })
    })
  },
}
