import { earlyWorkers, invokedCommand } from './early-workers'
import { prestartWorkers } from './worker-launcher'

// The `task-farm` command. A job command forks its workers first, from the command line's words alone,
// so they boot while the program (commander, the command's module, the farm, the schemas) loads: the
// workers, not this process, were the last to be ready for the first unit.
const args = process.argv.slice(2)
const early = earlyWorkers(invokedCommand(args), args)
if (early) await prestartWorkers(early.pool, early.count, early.kind)
await import('./program')
