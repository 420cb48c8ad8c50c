import type { PoolInfo } from '../../shared/api-types'

export interface FarmCounts {
  running: number
  queued: number
  /** Jobs waiting for other jobs to end (`--after`). */
  waiting: number
  /** Every pool is paused. */
  allPaused: boolean
  anyPaused: boolean
}

export function farmCounts(pools: readonly PoolInfo[]): FarmCounts {
  return {
    running: pools.reduce((n, p) => n + p.runningJobs, 0),
    queued: pools.reduce((n, p) => n + p.queuedJobs, 0),
    waiting: pools.reduce((n, p) => n + (p.waitingJobs ?? 0), 0),
    allPaused: pools.length > 0 && pools.every((p) => p.paused),
    anyPaused: pools.some((p) => p.paused),
  }
}

/** The tray icon's tooltip: what the farm is doing, at a glance. */
export function trayTooltip(counts: FarmCounts): string {
  if (counts.running === 0 && counts.queued === 0 && counts.waiting === 0)
    return counts.anyPaused ? 'Task Farm — paused' : 'Task Farm — idle'
  const parts = [`${counts.running} running`]
  if (counts.queued > 0) parts.push(`${counts.queued} queued`)
  if (counts.waiting > 0) parts.push(`${counts.waiting} waiting for other jobs`)
  if (counts.anyPaused) parts.push(counts.allPaused ? 'paused' : 'some pools paused')
  return `Task Farm — ${parts.join(', ')}`
}

export type TrayAction = 'show' | 'pause-all' | 'resume-all' | 'quit'
export type TrayMenuEntry = { action: TrayAction; label: string; enabled: boolean } | { separator: true }

/**
 * The tray menu as data. The shell rebuilds the native menu only when this changes (Linux's
 * AppIndicator ignores edits to a menu already set, so it must be replaced).
 */
export function trayMenu(counts: FarmCounts): TrayMenuEntry[] {
  const busy = counts.running + counts.queued
  return [
    { action: 'show', label: 'Show Task Farm', enabled: true },
    { separator: true },
    { action: 'pause-all', label: 'Pause all pools', enabled: !counts.allPaused },
    { action: 'resume-all', label: 'Resume all pools', enabled: counts.anyPaused },
    { separator: true },
    { action: 'quit', label: busy > 0 ? `Quit (${counts.running} running)…` : 'Quit', enabled: true },
  ]
}
