import type { Command } from 'commander'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { numberList, nonNegativeInt, positiveInt } from '../parse-options'
import { addAfterOptions, afterOption } from '../chain-options'
import { memfreeOption, withFarming } from '../farming-options'
import { runNewJob } from '../run-job'
import { workersForUnits } from '../early-workers'
import { addFollowUpOptions } from '../follow-up-options'

/** `task-farm probe`: a diagnostic job that exercises the farm itself. The model for kind commands. */
export function configureProbe(command: Command, cli: CliContext): void {
  addAfterOptions(command)
  addFollowUpOptions(command)
    .requiredOption('--count <n>', 'number of items', nonNegativeInt('--count', 10_000_000))
    .option('--chunk <n>', 'numbers per item (like Pool.map chunksize)', positiveInt('--chunk', 1_000_000), 1)
    .option('--sleep-ms <ms>', 'each item sleeps this long', nonNegativeInt('--sleep-ms', 3_600_000), 0)
    .option('--fail-on <n,…>', 'items that fail', numberList('--fail-on'), [])
    .option('--crash-on <n,…>', 'items that crash their worker', numberList('--crash-on'), [])
    .option('--throw-on <n,…>', 'items whose handler throws (fails the whole batch)', numberList('--throw-on'), [])
    .option('--hang-on <n,…>', 'items that hang their worker', numberList('--hang-on'), [])
    .option('--print-on <n,…>', 'items that print a line to stdout', numberList('--print-on'), [])
    .option('--workers <n>', 'worker processes (0 with --redis: remote hosts only)', nonNegativeInt('--workers', 64))
    .option('--detach', 'print the job id and return; the farm runs the job (`task-farm wait ID` waits for it)')
    .option(...memfreeOption)
    .option('--json', 'one JSON event per line')
    .action(
      commandAction(async (o) => {
        const spec = {
          kind: 'probe' as const,
          count: o.count,
          chunk: o.chunk,
          sleepMs: o.sleepMs,
          failOn: o.failOn,
          crashOn: o.crashOn,
          hangOn: o.hangOn,
          throwOn: o.throwOn,
          printOn: o.printOn,
        }
        return runNewJob(cli, spec, withFarming(afterOption(o), o), {
          json: o.json,
          workers: o.workers ?? workersForUnits(Math.ceil(o.count / o.chunk)),
          detach: o.detach,
          followUps: o,
        })
      }),
    )
}
