import type { Command } from 'commander'
import { resolve } from 'node:path'
import { moduleSpecSchema, type ModuleSpec } from '../../shared/kinds/module'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { addAfterOptions, addFromOptions, afterOption } from '../chain-options'
import { jobInputFrom } from '../job-input-options'
import { nonNegativeInt, nonNegativeSeconds, positiveInt } from '../parse-options'
import { memfreeOption, withFarming } from '../farming-options'
import { runNewJob } from '../run-job'
import { workersForUnits } from '../early-workers'
import { mapOutput } from '../job-output'
import { exportOption, exportResults } from './export-results'
import { addFollowUpOptions } from '../follow-up-options'

const help = `
The module's default export is called once per input, in the cpu pool's workers:

  export default async function (input, context) {   // context: { signal, log(...), progress(fraction) }
    return input * input                              // any JSON value; a thrown error fails this input
  }

.mjs, .js (ES module or CommonJS) and .ts (Node's type stripping) modules load. An input line that is
JSON (42, "text", {"a":1}) arrives as that value; any other line as its text.

Standard output gets the results, one JSON value a line, in input order (an input whose call failed
has none: its error goes to standard error, with the progress and the end line). An interrupted map
prints the results before its first unfinished input; \`task-farm resume ID\` prints the whole list.
`

/** `task-farm map MODULE --input FILE`: Python's Pool.map over the person's own function, durable and watchable. */
export function configureMap(command: Command, cli: CliContext): void {
  addFromOptions(command, 'inputs')
  addAfterOptions(command)
  addFollowUpOptions(command)
    .usage('[options] MODULE (--input FILE | ::: INPUT...)')
    .argument('<module>', 'the module whose default export is (input, context) => result')
    .argument('[inputs...]', 'inputs after :::')
    .option('--input <file>', 'one input per line; - reads standard input')
    .option(
      '--concurrency <n>',
      'calls in flight at once for the whole job (more than the workers suits async functions; default: one per worker)',
      positiveInt('--concurrency', 1000),
    )
    .option('--retries <n>', 'call again an input whose call threw, up to n times', nonNegativeInt('--retries', 100), 0)
    .option('--retry-delay <s>', 'wait this long before each retry (±25 %)', nonNegativeSeconds('--retry-delay'))
    .option('--workers <n>', 'worker processes of the cpu pool', positiveInt('--workers', 64))
    .option('--out <file>', 'write the results to results.csv or results.json when the job ends', exportOption)
    .option('--force', 'let --out replace a file that is not an earlier export')
    .option('--detach', 'print the job id and return; the farm runs the job (`task-farm wait ID` waits for it)')
    .option(...memfreeOption)
    .option('--json', 'one JSON event per finished input (and the job events) instead of the results alone')
    .addHelpText('after', help)
    .action(
      commandAction(async (module: string, words: string[], o) => {
        if (words.length > 0 && words[0] !== ':::')
          command.error(`task-farm: unexpected "${words[0]}"; list inputs after :::.`, { exitCode: 2 })
        const spec: ModuleSpec = moduleSpecSchema.parse({
          kind: 'module',
          module: resolve(module),
          input: await jobInputFrom(o, words.length ? words.slice(1) : null, cli.dbPath),
          concurrency: o.concurrency,
          retries: o.retries,
          retryDelayS: o.retryDelay,
        })
        const units = mapOutput(cli, o.json ?? false)
        let jobId = 0
        try {
          const workers =
            o.workers ?? workersForUnits(spec.input.type === 'list' ? spec.input.values.length : undefined)
          const code = await runNewJob(cli, spec, withFarming(afterOption(o), o), {
            json: o.json,
            detach: o.detach,
            followUps: o,
            workers,
            statusOnStderr: true,
            onCreated: (id, events) => {
              // Detached, nothing is followed here: `wait`, `show` and `export` see the job later.
              if (o.detach) return
              jobId = id
              units.start(id, events)
            },
            beforeEnd: () => units.stop(),
          })
          units.stop()
          if (o.out && jobId) await exportResults(cli, jobId, o.out, o.json, o.force)
          return code
        } finally {
          units.stop()
        }
      }),
    )
}
