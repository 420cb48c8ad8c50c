import type { Command } from 'commander'
import { kindTraits, poolNames, type PoolName } from '../../shared/job-spec'
import { defaultPoolConfig } from '../../core/farm'
import type { CliContext } from '../cli-context'
import { table } from './history'

/** `pools`: the configured pools, their sizes and which job kinds use them. */
export function registerPoolsCommand(program: Command, cli: CliContext): void {
  program
    .command('pools')
    .description('show the worker pools and their sizes')
    .option('--json', 'print JSON')
    .action((o) => {
      let saved: Partial<Record<PoolName, number>> = {}
      try {
        const store = cli.openReadOnly()
        saved = (store.setting('poolSizes') as typeof saved | undefined) ?? {}
      } catch {
        // No history yet: the defaults are the whole answer.
      }
      const defaults = defaultPoolConfig()
      const pools = poolNames.map((name) => ({
        name,
        size: saved[name] ?? defaults.size,
        maxRunningJobs: defaults.maxRunningJobs,
        kinds: Object.entries(kindTraits).filter(([, t]) => t.pool === name).map(([kind]) => kind),
      }))
      if (o.json) return void process.stdout.write(`${JSON.stringify(pools, null, 2)}\n`)
      process.stdout.write(`${table([['POOL', 'WORKERS', 'JOBS AT ONCE', 'KINDS'], ...pools.map((p) => [p.name, String(p.size), String(p.maxRunningJobs), p.kinds.join(', ')])])}\n`)
    })
}
