import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import type { ModuleSpec } from '../../shared/kinds/module'
import type { KindHooks } from './kind-hooks'
import { checkJobInput } from './job-inputs-check'

export const moduleHooks: KindHooks<ModuleSpec> = {
  /** Only that the module is there: whether it loads is found by the plan, in a worker. */
  async check(spec) {
    const problems = await checkJobInput(spec.input)
    if (!isAbsolute(spec.module)) problems.push(`Give the module as an absolute path (not "${spec.module}").`)
    else if (
      !(await access(spec.module, constants.R_OK).then(
        () => true,
        () => false,
      ))
    )
      problems.push(`The module ${spec.module} does not exist or cannot be read.`)
    return problems
  },
  exportRows: {
    columns: ['input', 'state', 'attempts', 'result', 'error'],
    row: (item) => ({
      input: item.key,
      state: item.state,
      attempts: item.attempts,
      result: item.state === 'done' ? JSON.stringify(item.result) : null,
      error: item.error,
    }),
  },
}
