import type { PlannedItem } from '../../../src/shared/worker-protocol'

/** A fake plan context's `emitKeys`: each key as the unit the runtime packs it as (no size, no payload). */
export const keysAsItems =
  (emit: (item: PlannedItem) => unknown) =>
  (keys: readonly string[]): void => {
    for (const key of keys) emit({ key, payload: null, size: 0 })
  }
