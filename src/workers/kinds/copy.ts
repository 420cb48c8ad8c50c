import type { CopySpec } from '../../shared/kinds/copy'
import type { KindHandler } from '../kind-handler'
import { removeTempFiles } from './copy/cleanup'
import { planCopy } from './copy/plan'
import { runCopy } from './copy/run'

/** Copy-folder jobs: see `src/shared/kinds/copy.ts` for the spec and the items' payloads. */
export const copyHandler: KindHandler<CopySpec> = {
  plan: planCopy,
  run: runCopy,
  async cleanup(spec, ctx) {
    const removed = removeTempFiles(spec, ctx.jobId, ctx.signal)
    if (removed)
      ctx.log('info', `Removed ${removed} unfinished temporary file${removed === 1 ? '' : 's'} (${ctx.reason}).`)
  },
}
