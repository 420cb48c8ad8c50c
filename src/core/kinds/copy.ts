import type { CopySpec } from '../../shared/kinds/copy'
import type { KindHooks } from './kind-hooks'

// Placeholder until the copy kind lands.
export const copyHooks: KindHooks<CopySpec> = {
  async check() {
    return []
  },
}
