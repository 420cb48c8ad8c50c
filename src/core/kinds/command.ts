import type { CommandResult, CommandSpec } from '../../shared/kinds/command'
import type { KindHooks } from './kind-hooks'
import { checkFolder, checkJobInput } from './job-inputs-check'

/** How a failed unit's error starts ("exit code 3 …"), to give the export its exit code column. */
const EXIT_CODE = /^exit code (\d+)/

export const commandHooks: KindHooks<CommandSpec> = {
  async check(spec) {
    const problems = await checkJobInput(spec.input)
    if (spec.cwd) problems.push(...(await checkFolder(spec.cwd, 'working folder')))
    return problems
  },
  /** `--deadline` ends the job as timed-out (resumable); `--halt` ends it as failed after N failed units. */
  stopRule(spec, run) {
    if (spec.deadlineS > 0 && run.elapsedMs !== null && run.elapsedMs >= spec.deadlineS * 1000) {
      return {
        state: 'timed-out',
        reason: `the job passed its deadline of ${spec.deadlineS} s; resume runs the rest`,
        kill: true,
      }
    }
    if (spec.halt && run.itemsFailed >= spec.halt.fail) {
      const reason = `halted after ${run.itemsFailed} failed unit${run.itemsFailed === 1 ? '' : 's'} (--halt ${spec.halt.when},fail=${spec.halt.fail})`
      return { state: 'failed', reason, kill: spec.halt.when === 'now' }
    }
    return null
  },
  exportRows: {
    columns: [
      'input',
      'state',
      'exit_code',
      'signal',
      'timed_out',
      'duration_ms',
      'worker',
      'attempts',
      'stdout',
      'stderr',
      'error',
    ],
    row(item) {
      const r = item.result as CommandResult | null
      return {
        input: item.key,
        state: item.state,
        exit_code: r?.exitCode ?? (item.error ? Number(EXIT_CODE.exec(item.error)?.[1] ?? NaN) || null : null),
        signal: r?.signal ?? null,
        timed_out: r?.timedOut ?? (item.error?.startsWith('timed out') || null),
        duration_ms: r?.durationMs ?? null,
        worker: r?.worker ?? null,
        attempts: r?.attempts ?? item.attempts,
        stdout: r?.stdout ?? null,
        stderr: r?.stderr ?? null,
        error: item.error,
      }
    },
  },
}
