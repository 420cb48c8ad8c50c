import type { UrlsSpec } from '../../shared/kinds/urls'
import { UserError } from '../../shared/user-error'
import type { KindHandler } from '../kind-handler'

// Placeholder until the URL kind lands: refuses every copy job with a clear message.
export const urlsHandler: KindHandler<UrlsSpec> = {
  async plan() {
    throw new UserError('URL-analysis jobs are not available in this build yet.', 'not-available')
  },
  async run() {
    throw new UserError('URL-analysis jobs are not available in this build yet.', 'not-available')
  },
}
