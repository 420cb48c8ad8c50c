import { spawn } from 'node:child_process'
import type { ControlClient } from '../host/control-client'
import { UserError } from '../shared/user-error'
import type { CliContext } from './cli-context'

/** How long `--detach` waits for the farm it starts to listen. */
const startMs = 15_000

/**
 * `--detach` when no farm runs: starts one in the background (`task-farm own`, which stops by itself
 * once it has nothing left to run) and returns a client of it.
 */
export async function startBackgroundOwner(cli: CliContext): Promise<ControlClient> {
  const script = process.argv[1]!
  const child = spawn(process.execPath, [...process.execArgv, script, '--db', cli.dbPath, 'own'], {
    detached: true,
    stdio: 'ignore',
    // Without it Windows gives the detached owner a console window of its own, and closing it kills the farm.
    windowsHide: true,
  })
  child.unref()
  const { findOwner } = await import('../host/find-owner')
  const deadline = Date.now() + startMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    const owner = await findOwner(cli.dbPath)
    if (owner) return owner
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new UserError(
    'Could not start a farm in the background; run the command without --detach to see why.',
    'owner-failed',
  )
}
