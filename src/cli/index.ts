import { historyPath } from '../core/paths'
import { ownerListening } from '../core/store/lock-owner'
import { earlyWorkers, invokedCommand, optionValue } from './early-workers'
import { prestartWorkers } from './worker-launcher'

// The `task-farm` command. A job command forks its workers first, from the command line's words alone,
// so they boot while the program (commander, the command's module, the farm, the schemas) loads: the
// workers, not this process, were the last to be ready for the first unit.
const args = process.argv.slice(2)
const early = earlyWorkers(invokedCommand(args), args)
// A farm that serves this history (`serve`, the app) runs the job on its own workers: this command is
// its client, and workers forked here would only take the CPU from them.
if (early && !ownerListening(historyPath(optionValue(args, '--db'))))
  await prestartWorkers(early.pool, early.count, early.kind)
await import('./program')
