import type { Command } from 'commander'
import type { CliContext } from '../cli-context'

/** Sets up one command's arguments, options and action on the `Command` it is given. */
export type ConfigureCommand = (command: Command, cli: CliContext) => void

export interface CommandEntry {
  name: string
  summary: string
  /** Loaded only when this command runs (or its own --help is asked): `task-farm --help` loads none. */
  load: () => Promise<ConfigureCommand>
  hidden?: boolean
}

/** Every command of `task-farm`, one line each. Job kinds add theirs here. */
export const commandEntries: CommandEntry[] = [
  {
    name: 'copy',
    summary: 'copy folders (each into DST/<its name>) with every file and empty folder, times and modes kept',
    load: async () => (await import('./copy')).configureCopy,
  },
  {
    name: 'urls',
    summary: 'analyse every URL of a list (one per line, or a CSV with a "url" column; - reads standard input)',
    load: async () => (await import('./urls')).configureUrls,
  },
  {
    name: 'run',
    summary: 'run a command once per input, several at once, each run recorded (exit code, output, time)',
    load: async () => (await import('./run')).configureRun,
  },
  {
    name: 'map',
    summary: "call a module's default export once per input on the pool's workers; results kept in input order",
    load: async () => (await import('./map')).configureMap,
  },
  {
    name: 'probe',
    summary: 'run a diagnostic job of N tiny items (each can sleep, fail, crash its worker or hang)',
    load: async () => (await import('./probe')).configureProbe,
  },
  { name: 'jobs', summary: 'list jobs, newest first', load: async () => (await import('./history')).configureJobs },
  {
    name: 'show',
    summary: 'show one job: its spec, progress, timeline and failed items',
    load: async () => (await import('./history')).configureShow,
  },
  {
    name: 'units',
    summary: 'search every unit of every job (kind, state, error, text, host, job, time); retry, export or list them',
    load: async () => (await import('./units')).configureUnits,
  },
  { name: 'logs', summary: "print a job's log", load: async () => (await import('./logs')).configureLogs },
  {
    name: 'wait',
    summary: "wait for a job's end and exit with its code (124 after --timeout)",
    load: async () => (await import('./wait')).configureWait,
  },
  {
    name: 'resume',
    summary: 'go on with a paused or interrupted job: only its unfinished items run',
    load: async () => (await import('./run-again')).configureResume,
  },
  {
    name: 'retry',
    summary: 'run only the failed items of an ended job again',
    load: async () => (await import('./run-again')).configureRetry,
  },
  {
    name: 'follow',
    summary: 'make a queued or waiting job wait for other jobs (--after, --after-ok)',
    load: async () => (await import('./follow')).configureFollow,
  },
  {
    name: 'pause',
    summary: 'pause a running or queued job (resume goes on)',
    load: async () => (await import('./job-control')).configurePause,
  },
  {
    name: 'cancel',
    summary: 'cancel a job: its workers stop, half-written files are removed',
    load: async () => (await import('./job-control')).configureCancel,
  },
  {
    name: 'remove',
    summary: 'forget an ended job with its items and log',
    load: async () => (await import('./job-control')).configureRemove,
  },
  {
    name: 'priority',
    summary: 'set the priority of a job (higher runs first)',
    load: async () => (await import('./job-control')).configurePriority,
  },
  {
    name: 'pools',
    summary: 'show the worker pools and their workers, or resize, pause, resume, close or terminate one',
    load: async () => (await import('./pools')).configurePools,
  },
  {
    name: 'schedules',
    summary: 'list the schedules (--every, --at), or pause, resume or remove one',
    load: async () => (await import('./schedules')).configureSchedules,
  },
  {
    name: 'diff',
    summary: 'compare two jobs of one kind: URLs, files or inputs that are new, gone or changed',
    load: async () => (await import('./diff')).configureDiff,
  },
  {
    name: 'verify',
    summary: "check a copy's destination against the hashes the copy kept: changed, missing and extra files",
    load: async () => (await import('./verify')).configureVerify,
  },
  {
    name: 'export',
    summary: 'write the result rows of a job to a CSV or JSON file (by its extension)',
    load: async () => (await import('./export')).configureExport,
  },
  {
    name: 'worker',
    summary:
      "serve a farm's network and cpu pools from this machine, through Redis (no history here: the farm keeps it)",
    load: async () => (await import('./worker')).configureWorker,
  },
  {
    name: 'serve',
    summary: 'serve the window to a browser on 127.0.0.1 (the printed address carries a secret token)',
    load: async () => (await import('./serve')).configureServe,
  },
  {
    name: 'own',
    summary: 'run the farm in the background until it has nothing left to do (used by --detach)',
    load: async () => (await import('./own')).configureOwn,
    hidden: true,
  },
]

/**
 * Registers every command by name and summary; only `invoked` (the command on the command line) is
 * loaded and set up in full, so starting `task-farm` costs what that one command uses.
 */
export async function registerCommands(program: Command, cli: CliContext, invoked: string | undefined): Promise<void> {
  for (const entry of commandEntries) {
    const command = program.command(entry.name, { hidden: entry.hidden }).description(entry.summary)
    if (entry.name === invoked) (await entry.load())(command, cli)
  }
}
