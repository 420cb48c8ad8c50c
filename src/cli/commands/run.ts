import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { resolve } from 'node:path'
import { commandSpecSchema, envName, parseHalt, type CommandSpec } from '../../shared/kinds/command'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { addAfterOptions, addFromOptions, afterOption } from '../chain-options'
import { jobInputFrom, splitListedInputs } from '../job-input-options'
import { collect, nonNegativeInt, nonNegativeSeconds, positiveInt } from '../parse-options'
import { memfreeOption, withFarming } from '../farming-options'
import { runNewJob } from '../run-job'
import { workersForUnits } from '../early-workers'
import { commandOutput } from '../job-output'
import { exportOption, exportResults } from './export-results'
import { addFollowUpOptions } from '../follow-up-options'

const help = `
Replacement strings, as in GNU parallel: {} the input, {.} without its extension, {/} its base name,
{//} its folder, {/.} its base name without extension, {#} its number (from 1). A command without
any of them gets the input as its last argument.

Where this differs from GNU parallel, on purpose: a dotfile has no extension, so {.} of .hidden is
.hidden (parallel gives an empty word); blank lines of --input (empty or only spaces) are skipped, as
parallel -r does, and a line's trailing \\r is dropped; words after ::: are taken as given, empty ones
too. As in parallel, {//} of dir/ is . and {/} of dir/ is empty.

The command runs without a shell: its words are passed to the program as they are, and each input
becomes exactly one argument whatever it holds (spaces, quotes, ; or $(...)), so a file name can never
run code. --shell joins the words into one line for /bin/sh (cmd.exe on Windows) and quotes every
input for it: use it for pipes, redirections and globs.

Examples:
  task-farm run --jobs 4 -- convert {} -resize 50% out/{/} ::: a.jpg b.jpg
  task-farm run --files photos --glob '*.jpg' --timeout 60 -- cwebp {} -o {.}.webp
  find . -name '*.log' | task-farm run --input - --shell -- 'gzip -9 < {} > {}.gz'
`

/** `task-farm run [options] -- COMMAND [ARGS...]`: one command per input on the cpu pool (GNU parallel's model). */
export function configureRun(program: Command, cli: CliContext): void {
  const defaults = commandSpecSchema.parse({ kind: 'command', command: ['true'], input: { type: 'list', values: [] } })
  addFromOptions(program, 'inputs')
  addAfterOptions(program)
  addFollowUpOptions(program)
    .usage('[options] -- COMMAND [ARGS...] [::: INPUT...]')
    .argument('<command...>', 'the command and its arguments, after --; inputs may follow :::')
    .option('--input <file>', 'one input per line; - reads standard input')
    .option('--files <dir>', 'every file under a folder is an input')
    .option('--glob <pattern>', 'with --files: only paths matching (a pattern without / matches names)')
    .option(
      '-j, --jobs <n>',
      'processes at once for the whole job, on every worker and host together',
      positiveInt('--jobs', 1024),
      defaults.jobs,
    )
    .option('--timeout <s>', 'kill a run (its whole process tree) after this many seconds', seconds('--timeout'))
    .option('--retries <n>', 'run a failed input again up to n times', nonNegativeInt('--retries', 100), 0)
    .option('--retry-delay <s>', 'wait this long before each retry (±25 %)', nonNegativeSeconds('--retry-delay'))
    .option(
      '--deadline <s>',
      'stop the job as timed-out after this many seconds (resume runs the rest)',
      seconds('--deadline'),
    )
    .option(
      '--halt <rule>',
      'soon,fail=N: stop starting runs after N failures; now,fail=N: kill the running ones too',
      halt,
    )
    .option('--keep-order', 'show finished units in input order (the export is always in input order)')
    .option('--shell', 'run through the platform shell, inputs quoted for it (see below)')
    .option('--env <K=V>', 'set an environment variable for the command (repeatable)', collect, [])
    .option('--cwd <dir>', 'the folder the command runs in')
    .option('--output-dir <dir>', 'keep the full stdout and stderr of every run in DIR/job-<id>/<n>.stdout|.stderr')
    .option('--out <file>', 'write the units to results.csv or results.json when the job ends', exportOption)
    .option('--force', 'let --out replace a file that is not an earlier export')
    .option('--detach', 'print the job id and return; the farm runs the job (`task-farm wait ID` waits for it)')
    .option(...memfreeOption)
    .option('--json', 'one JSON line per finished unit (and the job events)')
    .addHelpText('after', help)
    .action(
      commandAction(async (words: string[], o) => {
        const { command, listed } = splitListedInputs(words)
        if (command.length === 0) program.error('task-farm: give the command to run after --.', { exitCode: 2 })
        const spec: CommandSpec = commandSpecSchema.parse({
          kind: 'command',
          command,
          input: await jobInputFrom(o, listed, cli.dbPath),
          jobs: o.jobs,
          timeoutS: o.timeout ?? 0,
          retries: o.retries,
          retryDelayS: o.retryDelay,
          deadlineS: o.deadline ?? 0,
          shell: o.shell ?? false,
          // The job keeps the --env pairs; this terminal's environment goes only to a farm another process
          // owns (serve, the app: `forOwner`), so it runs the same there. A farm this command runs has it
          // already (its workers inherit it), and the history then keeps no copy of it: a terminal's
          // environment holds tokens and keys.
          env: envPairs(o.env as string[]),
          cwd: resolve(o.cwd ?? '.'),
          halt: o.halt,
          outputDir: o.outputDir ? resolve(o.outputDir) : undefined,
        })
        const units = commandOutput(cli, o.keepOrder ?? false, o.json ?? false)
        let jobId = 0
        const workers = Math.min(spec.jobs, workersForUnits(listed?.length))
        try {
          const code = await runNewJob(
            cli,
            spec,
            withFarming(afterOption(o), o),
            // Detached, nothing is followed here: `wait`, `show` and `export` see the job later.
            {
              json: o.json,
              workers,
              detach: o.detach,
              followUps: o,
              onCreated: (id, events) => o.detach || units.start((jobId = id), events),
              beforeEnd: () => units.stop(),
              statusOnStderr: true,
              forOwner: (made) =>
                ({ ...made, env: { ...clientEnvironment(), ...(made as CommandSpec).env } }) as CommandSpec,
            },
          )
          units.stop()
          if (o.out && jobId) await exportResults(cli, jobId, o.out, o.json, o.force)
          return code
        } finally {
          units.stop()
        }
      }),
    )
}

function seconds(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value)
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number of seconds above 0.`)
    return n
  }
}

function halt(value: string): ReturnType<typeof parseHalt> {
  const rule = parseHalt(value)
  if (!rule) throw new InvalidArgumentError('--halt takes soon,fail=N or now,fail=N (N from 1).')
  return rule
}

/** This process's environment, without what a job spec cannot carry (exported shell functions, odd names). */
function clientEnvironment(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && envName.test(name)) env[name] = value
  return env
}

function envPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {}
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    if (at < 1) throw new InvalidArgumentError(`--env takes NAME=VALUE (not "${pair}").`)
    env[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return env
}
