import type { Command } from 'commander'
import { resolve } from 'node:path'
import { jobDetail } from '../../core/job-views'
import { conflictPolicies, copySpecSchema, symlinkModes, type CopySpec } from '../../shared/kinds/copy'
import type { CliContext } from '../cli-context'
import { commandAction } from '../exit-codes'
import { collect, oneOf, positiveInt } from '../parse-options'
import { addAfterOptions, afterOption } from '../chain-options'
import { memfreeOption, withFarming } from '../farming-options'
import { runNewJob } from '../run-job'
import { addFollowUpOptions } from '../follow-up-options'

/** Failed files listed after a copy; the rest are in `task-farm show`. */
const LISTED_FAILURES = 20

/** `task-farm copy SRC... DST`: copy folders on the disk pool, or with --dry-run only say what would happen. */
export function configureCopy(command: Command, cli: CliContext): void {
  addAfterOptions(command)
  addFollowUpOptions(command)
    .usage('[options] SRC... DST')
    .argument('<paths...>', 'source folders, then the destination folder')
    .option(
      '--on-conflict <policy>',
      `for files already there: ${conflictPolicies.join('|')}`,
      oneOf('--on-conflict', conflictPolicies),
      'skip',
    )
    .option('--verify', 'compare an xxh128 checksum of each source and its copy')
    .option('--keep-hashes', "keep each copy's xxh128 in the history without verifying, for `task-farm verify` later")
    .option('--no-preserve', 'do not keep modification times and permission bits')
    .option('--symlinks <mode>', `links: ${symlinkModes.join('|')}`, oneOf('--symlinks', symlinkModes), 'copy')
    .option('--include <glob>', 'copy only files matching (repeatable; a glob without / matches names)', collect, [])
    .option('--exclude <glob>', 'leave out files and folders matching (repeatable)', collect, [])
    .option('--no-metadata', 'macOS: bytes only, without extended attributes, ACLs or clones')
    .option('--keep-system-files', 'copy .DS_Store, ._* and Thumbs.db too (left out by default)')
    .option('--ignore-free-space', 'go on even when the destination seems too small')
    .option('--dry-run', 'plan only: count, check and list conflicts; change nothing')
    .option('--workers <n>', 'worker processes of the disk pool', positiveInt('--workers', 64))
    .option('--detach', 'print the job id and return; the farm runs the job (`task-farm wait ID` waits for it)')
    .option(...memfreeOption)
    .option('--json', 'one JSON event per line')
    .action(
      commandAction(async (paths: string[], o) => {
        if (paths.length < 2) {
          command.error('task-farm: copy needs at least one source folder and a destination folder.', { exitCode: 2 })
        }
        const spec: CopySpec = copySpecSchema.parse({
          kind: 'copy',
          sources: paths.slice(0, -1).map((p) => resolve(p)),
          destination: resolve(paths[paths.length - 1]!),
          onConflict: o.onConflict,
          verify: o.verify ?? false,
          keepHashes: o.keepHashes ?? false,
          preserve: o.preserve,
          symlinks: o.symlinks,
          include: o.include,
          exclude: o.exclude,
          ignoreFreeSpace: o.ignoreFreeSpace ?? false,
          skipSystemFiles: !o.keepSystemFiles,
          metadata: o.metadata,
        })
        let jobId = 0
        const onCreated = (id: number): void => void (jobId = id)
        const code = await runNewJob(cli, spec, withFarming({ planOnly: o.dryRun ?? false, ...afterOption(o) }, o), {
          json: o.json,
          workers: o.workers,
          detach: o.detach,
          followUps: o,
          onCreated,
        })
        if (jobId && !o.json && !o.detach) await reportJob(cli, jobId, o.dryRun ?? false)
        return code
      }),
    )
}

/** After the progress line: the plan's notes for a dry run, the failed files for a copy with errors. */
function reportJob(cli: CliContext, jobId: number, dryRun: boolean): Promise<void> {
  return cli.withHistory((store) => {
    const row = store.job(jobId)
    if (!row) return
    const detail = jobDetail(row, undefined, [])
    const lines = dryRun ? detail.notes.map((note) => `  ${note}`) : []
    const failed = store.items(row.id, { state: 'failed', limit: LISTED_FAILURES, offset: 0 })
    if (failed.total) {
      lines.push(`Not copied (${failed.total}):`)
      for (const item of failed.items) lines.push(`  ${item.key}: ${item.error}`)
      if (failed.total > failed.items.length)
        lines.push(`  … ${failed.total - failed.items.length} more: task-farm show ${row.id} --json`)
    }
    if (lines.length) process.stdout.write(`${lines.join('\n')}\n`)
  })
}
