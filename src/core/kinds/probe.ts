import type { ProbeSpec } from '../../shared/kinds/probe'
import type { KindHooks } from './kind-hooks'

export const probeHooks: KindHooks<ProbeSpec> = {
  async check() {
    return []
  },
  exportRows: {
    columns: ['key', 'state', 'attempts', 'square', 'error'],
    row: (item) => ({
      key: item.key,
      state: item.state,
      attempts: item.attempts,
      square: (item.result as { square?: number } | null)?.square ?? null,
      error: item.error,
    }),
  },
}
