import { poolAutoscaleSchema, type PoolAutoscale } from '../shared/autoscale-bounds'
import { poolNames, type PoolName } from '../shared/job-spec'

/** How the farm adapts, as Settings keep it: autoscaled pools, workers' task limits, the farm's `--memfree`. */
export interface SavedFarming {
  poolAutoscale: Partial<Record<PoolName, PoolAutoscale | null>>
  poolRecycle: Partial<Record<PoolName, number>>
  memfreeBytes: number
}

/** Reads them from the stored settings, leaving out what does not fit (an older or hand-edited history). */
export function savedFarming(stored: unknown): SavedFarming {
  const raw = (stored ?? {}) as Record<string, unknown>
  const out: SavedFarming = { poolAutoscale: {}, poolRecycle: {}, memfreeBytes: 0 }
  const autoscale = (raw.poolAutoscale ?? {}) as Record<string, unknown>
  const recycle = (raw.poolRecycle ?? {}) as Record<string, unknown>
  for (const name of poolNames) {
    const bounds = poolAutoscaleSchema.safeParse(autoscale[name])
    if (bounds.success) out.poolAutoscale[name] = bounds.data
    const tasks = recycle[name]
    if (Number.isInteger(tasks) && (tasks as number) >= 0) out.poolRecycle[name] = tasks as number
  }
  if (Number.isInteger(raw.memfreeBytes) && (raw.memfreeBytes as number) >= 0)
    out.memfreeBytes = raw.memfreeBytes as number
  return out
}
