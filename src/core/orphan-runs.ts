import { readdirSync, readFileSync } from 'node:fs'
import { WORKER_PID_VARIABLE } from '../shared/kinds/command'

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
