import type { UrlsSpec } from '../../shared/kinds/urls'
import type { KindHooks } from './kind-hooks'

// Placeholder until the URL kind lands.
export const urlsHooks: KindHooks<UrlsSpec> = {
  async check() {
    return []
  },
}
