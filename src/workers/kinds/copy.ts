import type { CopySpec } from '../../shared/kinds/copy'
import { UserError } from '../../shared/user-error'
import type { KindHandler } from '../kind-handler'

// Placeholder until the copy kind lands: refuses every copy job with a clear message.
export const copyHandler: KindHandler<CopySpec> = {
  async plan() {
    throw new UserError('Copy jobs are not available in this build yet.', 'not-available')
  },
  async run() {
    throw new UserError('Copy jobs are not available in this build yet.', 'not-available')
  },
}
