import { Command, CommanderError } from 'commander'
import { isUserError } from '../shared/user-error'
import { CliContext, type GlobalOptions } from './cli-context'
import { registerCommands } from './commands'
import { invokedCommand } from './early-workers'
import { commandExitCode, exitCodes } from './exit-codes'

/** `task-farm`: the farm without a window. Exit codes: 0 done, 1 failed or with errors, 2 bad input, 124 wait timed out, 130 interrupted. */
const program = new Command('task-farm')
  .description('Run copy and URL-analysis jobs on pools of worker processes, with a crash-safe history.')
  .option('--db <path>', "history database (default: the app's own, or $TASK_FARM_DB)")
  .option(
    '--redis <url>',
    'add remote worker hosts through this Redis (default: $TASK_FARM_REDIS); see docs/scale-out.md',
  )
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'task-farm: ')) })

// `task-farm jobs | head` closes our stdout early: that is the reader's choice, not an error. EIO is a
// terminal that went away (a closed tab, a dropped ssh): the command still stops its jobs cleanly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    if (error.code === 'EIO') return
    throw error
  })
}

/**
 * Resolves once everything written so far has left the process: writes to a pipe are asynchronous
 * on POSIX, and exiting before they drain cuts what a slow reader (`| (sleep 1; wc -c)`) gets.
 */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || !stream.writable) return Promise.resolve()
  return new Promise((resolve) => {
    stream.once('error', () => resolve())
    stream.write('', () => resolve())
  })
}

const cli = new CliContext(() => program.opts<GlobalOptions>())
const command = invokedCommand(process.argv.slice(2))
let exitCode: number = exitCodes.ok
try {
  await registerCommands(program, cli, command)
  if (process.argv.length <= 2) {
    program.outputHelp()
  } else {
    await program.parseAsync(process.argv)
    exitCode = commandExitCode()
  }
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version are not errors; anything else commander rejects is bad input.
    exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.badInput
  } else if (isUserError(error)) {
    process.stderr.write(`task-farm: ${error.message}\n`)
    exitCode = (error as { code?: string }).code === 'farm-gone' ? exitCodes.failed : exitCodes.badInput
  } else {
    process.stderr.write(
      `task-farm: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    exitCode = exitCodes.failed
  }
}
await cli.close()
process.exitCode = exitCode
await Promise.all([flushed(process.stdout), flushed(process.stderr)])
// Workers and timers are shut down by the commands; make sure nothing left holds the process open.
setTimeout(() => process.exit(exitCode), 50).unref()
