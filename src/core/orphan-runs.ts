import { readdirSync, readFileSync } from 'node:fs'
import { FARM_PID_VARIABLE, HISTORY_VARIABLE, WORKER_PID_VARIABLE } from '../shared/kinds/command-limits'

/**
 * Process groups of the runs a dead worker started, found by their environment (Linux's /proc; empty
 * elsewhere, where the groups the worker reported are all there is). It closes the gap between a
 * run's spawn and the worker's `spawned` report: a worker SIGKILLed in that gap leaves a run the
 * farmer was never told about.
 */
export function orphanGroupsOf(workerPid: number): number[] {
  return groupsOfRuns((env) => env.includes(`\0${WORKER_PID_VARIABLE}=${workerPid}\0`))
}

/**
 * Process groups of runs of `history` whose farm has died (Linux's /proc; empty elsewhere). A farm reaps
 * the runs of a worker that dies; killed itself right after (kill -9 of a worker, then of the farm), it
 * never did, and the runs went on beside the next farm's runs of the same inputs. A farm that finds
 * running jobs in its history (the last one died) ends these first; another history's runs are not its
 * business, nor runs that name no history (a farm that sends units inline).
 */
export function orphanGroupsOfDeadFarms(history: string): number[] {
  const farms = new Map<string, boolean>()
  const dead = (pid: string): boolean => {
    let gone = farms.get(pid)
    if (gone === undefined) farms.set(pid, (gone = !processLives(Number(pid))))
    return gone
  }
  const pattern = new RegExp(`\\0${FARM_PID_VARIABLE}=(\\d+)\\0`)
  const ofHistory = `\0${HISTORY_VARIABLE}=${history}\0`
  return groupsOfRuns((env) => {
    if (!env.includes(ofHistory)) return false
    const farm = pattern.exec(env)?.[1]
    return farm !== undefined && dead(farm)
  })
}

function processLives(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The process groups led by runs whose environment (`\0`-separated, with a `\0` before) `matches`. */
function groupsOfRuns(matches: (env: string) => boolean): number[] {
  if (process.platform !== 'linux') return []
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
      if (!matches(`\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`)) continue
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
