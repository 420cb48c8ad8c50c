// Zod-free (command workers load it): constants of command jobs.

/** Every command run carries its worker's pid in this variable, so the farm finds the runs of a killed worker. */
export const WORKER_PID_VARIABLE = 'TASK_FARM_WORKER_PID'
/**
 * …and its farm's pid in this one, so the next farm of a history ends the runs of a farm that died
 * before it could end them itself (its worker killed, then the farm, too soon after to reap them).
 */
export const FARM_PID_VARIABLE = 'TASK_FARM_FARM_PID'
/** …and the history its job lives in: a farm ends the runs of dead farms of its own history only. */
export const HISTORY_VARIABLE = 'TASK_FARM_HISTORY'

/** Bytes kept of each stream: its first and its last this many. */
export const OUTPUT_EXCERPT_BYTES = 64 * 1024
