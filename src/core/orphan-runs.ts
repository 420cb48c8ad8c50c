import { readdirSync, readFileSync } from 'node:fs'
import { WORKER_PID_VARIABLE } from '../shared/kinds/command-limits'

/**
 * Process groups of the runs a dead worker started, found by their environment (Linux's /proc; empty
 * elsewhere, where the groups the worker reported are all there is). It closes the gap between a
 * run's spawn and the worker's `spawned` report: a worker SIGKILLed in that gap leaves a run the
 * farmer was never told about.
 */
export function orphanGroupsOf(workerPid: number): number[] {
  if (process.platform !== 'linux') return []
  const marker = `\0${WORKER_PID_VARIABLE}=${workerPid}\0`
  const groups = new Set<number>()
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return []
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (!`\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`.includes(marker)) continue
      // Fields after the command name: state, ppid, pgrp.
      const pgrp = Number(
        readFileSync(`/proc/${name}/stat`, 'latin1')
          .replace(/^.*\) /, '')
          .split(' ')[2],
      )
      // Only a group a run leads; never this process's own group or init's.
      if (pgrp > 1 && pgrp !== process.pid) groups.add(pgrp)
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return [...groups]
}

/**
 * Ends the runs of a worker that died with tasks in hand (a SIGKILLed worker never ran its exit
 * handler, so its runs' process groups live on), before their units go again: a unit never runs
 * twice at once or past its timeout. The /proc scan is done once per dead worker, whatever it held.
 */
export class RunReaper {
  private lastScan: { pid: number; groups: number[] } | null = null

  /** Ends the groups the worker reported and, for a local command task, those found by their environment. */
  reap(reported: Iterable<number>, workerPid: number | null): void {
    for (const group of reported) killGroup(group)
    if (workerPid === null) return
    if (this.lastScan?.pid !== workerPid) this.lastScan = { pid: workerPid, groups: orphanGroupsOf(workerPid) }
    for (const group of this.lastScan.groups) killGroup(group)
  }
}

export function killGroup(group: number): void {
  // Windows has no process groups: there a killed worker's runs are left to end on their own.
  if (process.platform === 'win32') return
  try {
    process.kill(-group, 'SIGKILL')
  } catch {
    // ESRCH: the group has ended already.
  }
}
