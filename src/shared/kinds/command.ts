import * as z from 'zod'
import { fromJobInputSchema } from './from-job'

/**
 * Where a command or module job's inputs come from: a list given with the job (`::: a b c`, pasted
 * lines), a file of one input per line, every file under a folder whose path matches a glob, or the
 * units of an earlier job (`--from`).
 */
export const jobInputSchema = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('list'), values: z.array(z.string()).max(100_000, 'Give long input lists as a file.') }),
    z.object({
      type: z.literal('file'),
      path: z.string().min(1, 'Give an input file.'),
      /**
       * Another process is still appending (standard input being copied): the plan follows the file
       * while `<path>.writing` names a live process, so work starts before the input ends.
       */
      growing: z.boolean().optional(),
    }),
    z.object({
      type: z.literal('files'),
      dir: z.string().min(1, 'Give a folder.'),
      /** Matched against the path below `dir` (`*.jpg` matches a name in any folder). */
      glob: z.string().min(1).default('**/*'),
    }),
    fromJobInputSchema,
  ]),
)
export type JobInput = z.infer<typeof jobInputSchema>

/** GNU parallel's `--halt`: after `fail` units failed, stop starting units (`soon`) or kill the running ones too (`now`). */
export const haltSchema = z.lazy(() =>
  z.object({
    when: z.enum(['soon', 'now']),
    fail: z.number().int().min(1),
  }),
)
export type Halt = z.infer<typeof haltSchema>

/** Seconds before a failed unit goes again, for kinds whose spec may set it. */
export const retryDelaySchema = z.lazy(() =>
  z
    .number()
    .min(0)
    .max(24 * 3600)
    .optional(),
)

export const envName = /^[A-Za-z_][A-Za-z0-9_]*$/

/** A command job: run one command per input, GNU parallel-style, on the cpu pool's workers. */
export const commandSpecSchema = z.lazy(() =>
  z.object({
    kind: z.literal('command'),
    /** The command and its arguments; replacement strings (`{}` `{.}` `{/}` `{//}` `{/.}` `{#}`) take each input. */
    command: z
      .array(z.string())
      .min(1, 'Give a command to run.')
      .refine((argv) => argv.length === 0 || argv[0]!.trim() !== '', 'The command is empty.'),
    input: jobInputSchema,
    /** Processes running at once for the whole job, across every worker and host (its job slots). */
    jobs: z.number().int().min(1, 'Run at least one process at a time.').max(1024).default(2),
    /** Seconds one run may take before its process tree is killed (0: no limit). */
    timeoutS: z
      .number()
      .min(0)
      .max(7 * 24 * 3600)
      .default(0),
    /** Extra runs of an input whose run failed or timed out (the farm's retry policy runs them). */
    retries: z.number().int().min(0).max(100).default(0),
    /** Seconds before a retry (fixed backoff); unset: at once. */
    retryDelayS: retryDelaySchema,
    /** Seconds the whole job may run before it stops as `timed-out` (0: no limit); resume runs the rest. */
    deadlineS: z
      .number()
      .min(0)
      .max(30 * 24 * 3600)
      .default(0),
    /** Run through the platform shell, with every input quoted for it. */
    shell: z.boolean().default(false),
    env: z
      .record(z.string(), z.string())
      .superRefine((env, ctx) => {
        const bad = Object.keys(env).find((name) => !envName.test(name))
        if (bad !== undefined)
          ctx.addIssue({
            code: 'custom',
            message: `"${bad}" is not an environment variable name (letters, digits and _ only).`,
          })
      })
      .default({}),
    cwd: z.string().min(1).optional(),
    halt: haltSchema.optional(),
    /** Full stdout and stderr of every run go to `<outputDir>/job-<id>/<n>.stdout|.stderr`. */
    outputDir: z.string().min(1).optional(),
  }),
)
export type CommandSpec = z.infer<typeof commandSpecSchema>

/** An input's payload: its number in input order, from 1 (`{#}`). */
export interface InputPayload {
  seq: number
}

/** One run's record, as stored with the unit and shown in the results table. */
export interface CommandResult {
  exitCode: number | null
  signal: string | null
  timedOut: boolean
  durationMs: number
  /** Pid of the worker process that ran it. */
  worker: number
  attempts: number
  /** The first and last 64 KiB, with a marker between them when bytes were left out. */
  stdout: string
  stderr: string
  stdoutBytes: number
  stderrBytes: number
}

/** Parses `soon,fail=3` / `now,fail=1` (GNU parallel's form); null when it does not fit. */
export function parseHalt(text: string): Halt | null {
  const match = /^(soon|now),fail=(\d+)$/.exec(text.trim())
  if (!match || Number(match[2]) < 1) return null
  return { when: match[1] as Halt['when'], fail: Number(match[2]) }
}
