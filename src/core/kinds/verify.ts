import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { VerifySpec } from '../../shared/kinds/verify'
import type { KindHooks } from './kind-hooks'

/** A verify job's cheap refusal: its destination must be a folder. The plan reads the copy's hashes. */
export const verifyHooks: KindHooks<VerifySpec> = {
  async check(spec) {
    const destination = resolve(spec.destination)
    const info = await stat(destination).catch(() => null)
    if (!info) return [`The destination ${destination} of copy ${spec.copyJob} is gone.`]
    if (!info.isDirectory()) return [`The destination ${destination} of copy ${spec.copyJob} is not a folder.`]
    return []
  },
  exportRows: {
    columns: ['path', 'state', 'problem', 'error'],
    row: (item) => ({
      path: item.key,
      state: item.state,
      problem: (item.result as { code?: string } | null)?.code ?? null,
      error: item.error,
    }),
  },
}
