import type { Command } from 'commander'
import type { CliContext } from '../cli-context'
import { registerCopyCommand } from './copy'
import { registerHistoryCommands } from './history'
import { registerLogsCommand } from './logs'
import { registerPoolsCommand } from './pools'
import { registerProbeCommand } from './probe'
import { registerRunAgainCommands } from './run-again'
import { registerServeCommand } from './serve'
import { registerExportCommand } from './export'
import { registerUrlsCommand } from './urls'
import { registerWorkerCommand } from './worker'

/** Every command of `task-farm`. Job kinds add theirs here. */
export function registerCommands(program: Command, cli: CliContext, exit: (code: number) => void): void {
  registerHistoryCommands(program, cli)
  registerLogsCommand(program, cli)
  registerRunAgainCommands(program, cli, exit)
  registerPoolsCommand(program, cli)
  registerProbeCommand(program, cli, exit)
  registerCopyCommand(program, cli, exit)
  registerUrlsCommand(program, cli, exit)
  registerExportCommand(program, cli)
  registerServeCommand(program, cli, exit)
  registerWorkerCommand(program, cli, exit)
}
