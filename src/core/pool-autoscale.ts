/**
 * How big an autoscaled pool should be now, and why: a pure function of what the farm sees (Celery's
 * autoscale, made to explain itself). It grows one worker per look while units wait for a worker and
 * the machine has room; it shrinks to the workers in use once some have been idle for `idleMs`.
 * `resize` never stops a busy worker, so a job's slots and `--jobs` bounds hold while it changes.
 */

/** A pool's bounds; `idleMs`: how long workers stay idle before the pool lets them go. */
export interface AutoscaleBounds {
  min: number
  max: number
  idleMs: number
}

export interface AutoscaleInput extends AutoscaleBounds {
  size: number
  /** Units of its running jobs that wait for a worker's room (not those bounded by their slots). */
  waitingUnits: number
  /** Workers still starting: they take waiting units soon, so the pool does not grow for them again. */
  startingWorkers: number
  /** Workers with no task. */
  idleWorkers: number
  /** Since when some worker has been idle with nothing waiting (null: not idle now). */
  idleSince: number | null
  now: number
  /** Why the machine has no room for another worker (memory, CPU), or null when it has. */
  noRoom: string | null
}

export interface AutoscaleDecision {
  size: number
  /** Why the pool has this size; null: the last reason still holds. */
  reason: string | null
}

export const units = (n: number): string => `${n} unit${n === 1 ? '' : 's'}`

export function autoscaleStep(s: AutoscaleInput): AutoscaleDecision {
  // Bounds changed under it (a new `pools autoscale`): back inside them first.
  if (s.size > s.max) return { size: s.max, reason: `at maximum (${s.max})` }
  if (s.size < s.min) return { size: s.min, reason: `at minimum (${s.min})` }
  if (s.waitingUnits > 0) {
    if (s.size >= s.max) return { size: s.size, reason: `at maximum: ${units(s.waitingUnits)} waiting` }
    if (s.waitingUnits <= s.startingWorkers) return { size: s.size, reason: null }
    if (s.noRoom) return { size: s.size, reason: `held: ${units(s.waitingUnits)} waiting, but ${s.noRoom}` }
    return { size: s.size + 1, reason: `grew: ${units(s.waitingUnits)} waiting` }
  }
  if (s.idleWorkers === 0 || s.idleSince === null) return { size: s.size, reason: null }
  // At its minimum the last reason stays ("shrank: idle 30 s" says best why it is this small).
  if (s.size <= s.min) return { size: s.size, reason: null }
  const idleFor = s.now - s.idleSince
  if (idleFor < s.idleMs) return { size: s.size, reason: null }
  const size = Math.max(s.min, s.size - s.idleWorkers)
  return { size, reason: `shrank: idle ${Math.round(idleFor / 1000)} s` }
}
