import type { Command } from 'commander'
import type { JobDiff } from '../../shared/job-diff'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { print, printJson, table } from '../output'
import { jobId, positiveInt } from '../parse-options'

/** `task-farm diff A B`: what changed between two runs of one kind, through the contract. */
export function configureDiff(command: Command, cli: CliContext): void {
  command
    .argument('<a>', 'the earlier job (alone: the later job, compared with its last run of the same spec)', jobId)
    .argument('[b]', 'the later job', jobId)
    .option('--limit <n>', 'list at most this many changed units', positiveInt('--limit', 10_000), 1000)
    .option('--json', 'print JSON')
    .action(
      commandAction(async (first: number, second: number | undefined, o) => {
        const request = second === undefined ? { b: first } : { a: first, b: second }
        const diff = await cli.call('jobs.diff', { ...request, limit: o.limit })
        if (o.json) return printJson(diff)
        printDiff(diff)
      }),
    )
}

function printDiff(diff: JobDiff): void {
  const { counts } = diff
  print(
    `Job ${diff.a} → job ${diff.b}: ${counts.changed} changed, ${counts.new} new, ${counts.gone} gone, ${counts.same} the same.`,
  )
  for (const note of diff.notes) print(note)
  if (!diff.rows.length) return
  const rows = [['CHANGE', 'KEY', 'FIELD', 'BEFORE', 'AFTER']]
  const oneLine = (value: string | null): string => (value === null ? '—' : JSON.stringify(value).slice(1, -1))
  for (const row of diff.rows) {
    if (!row.fields.length) rows.push([row.change, row.key, '', '', ''])
    row.fields.forEach((f, n) =>
      rows.push([n ? '' : row.change, n ? '' : row.key, f.field, oneLine(f.before), oneLine(f.after)]),
    )
  }
  print(table(rows))
  const listed = diff.rows.length
  const all = counts.changed + counts.new + counts.gone
  if (all > listed) print(`… ${all - listed} more (use --limit or --json).`)
}
