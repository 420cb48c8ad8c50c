import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { CommandSpec, InputPayload } from '../../shared/kinds/command'
import type { KindHandler } from '../kind-handler'
import { withLoginPath } from '../login-shell-path'
import { readInputs } from './command/read-inputs'
import { runLimited } from './command/run-limited'
import { failureLine, runOneCommand, succeeded } from './command/run-one-command'

/** Stderr kept in a failed unit's error text (the whole excerpt is in the log of that unit's output). */
const ERROR_STDERR_CHARS = 4096

/**
 * Command jobs (GNU parallel's model): the plan lists the inputs, each run spawns one process per
 * input, several at once in a worker, and records how it ended and what it printed.
 */
export const commandHandler: KindHandler<CommandSpec> = {
  async plan(spec, ctx) {
    let count = 0
    for await (const inputs of readInputs(spec.input, ctx.signal)) {
      for (const input of inputs) ctx.emit({ key: input, payload: { seq: ++count } satisfies InputPayload, size: 0 })
    }
    if (ctx.signal.aborted) return
    return { notes: [`${count} input${count === 1 ? '' : 's'} to run`], facts: { inputs: count } }
  },

  async run(submitted, items, ctx) {
    // Jobs from the window carry no environment of their own: give them the one a terminal would have.
    const spec = await withLoginPath(submitted)
    const outputFolder = spec.outputDir ? join(resolve(spec.outputDir), `job-${ctx.jobId}`) : null
    if (outputFolder) mkdirSync(outputFolder, { recursive: true })
    // The farm sends as many units as the job has free slots: they all run at once.
    await runLimited(items, items.length, ctx.signal, async (item) => {
      const { seq } = item.payload as InputPayload
      ctx.progress(item.id, 0)
      const target = { input: item.key, seq, outputFolder, attempt: item.attempt, history: ctx.history }
      const result = await runOneCommand(spec, target, ctx.signal, (group) => ctx.spawned?.(item.id, group))
      if (!result) return // Cancelled mid-run: the input stays pending.
      if (succeeded(result)) return ctx.done(item.id, result)
      const stderr =
        result.stderr.length > ERROR_STDERR_CHARS ? `…${result.stderr.slice(-ERROR_STDERR_CHARS)}` : result.stderr
      const code = result.timedOut ? 'timed-out' : result.signal ? 'signal' : 'exit-code'
      // Retryable: the job's retry policy (`--retries`, `--retry-delay`) says whether it goes again.
      ctx.failed(item.id, `${failureLine(result)}${stderr.trim() ? `\n${stderr.trimEnd()}` : ''}`, {
        code,
        retryable: true,
        result,
      })
    })
  },
}
