import type { Command } from 'commander'
import type { CliContext } from '../cli-context'
import { registerHistoryCommands } from './history'
import { registerLogsCommand } from './logs'
import { registerPoolsCommand } from './pools'
import { registerProbeCommand } from './probe'
import { registerRunAgainCommands } from './run-again'

/** Every command of `task-farm`. Job kinds add theirs here. */
export function registerCommands(program: Command, cli: CliContext, exit: (code: number) => void): void {
  registerHistoryCommands(program, cli)
  registerLogsCommand(program, cli)
  registerRunAgainCommands(program, cli, exit)
  registerPoolsCommand(program, cli)
  registerProbeCommand(program, cli, exit)
}
