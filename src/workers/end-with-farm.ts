import { Worker } from 'node:worker_threads'
import { REAPED_ENV } from '../shared/worker-protocol'

// Runs in a thread of its own, as plain JavaScript: the worker's main thread may never be free again.
const watcherCode = `
const { workerData: { farm, everyMs } } = require('node:worker_threads')
const gone = () => {
  if (process.ppid !== farm) return true
  try {
    process.kill(farm, 0)
    return false
  } catch (error) {
    return error.code === 'ESRCH'
  }
}
setInterval(() => {
  if (gone()) process.kill(process.pid, 'SIGKILL')
}, everyMs)
`
let watching = false

/**
 * Ends this worker process when its farm is gone, even while a unit holds its main thread. A worker
 * hears of its farm's death as a `disconnect` event, which a thread in an endless loop never handles:
 * such a worker outlived a farm killed with SIGKILL, a core spinning for good. A second thread looks
 * at the parent once a second (its process id changes when it dies on POSIX; on Windows it is asked
 * whether it still runs). Only the kind whose units run the user's code in this thread starts it (a
 * module's function); an Electron utility process is ended by Electron itself.
 */
export function endWithFarm(everyMs = 1000): void {
  // The farm's reaper ends this process with the farm (POSIX): no thread needed.
  if (watching || !process.send || process.env[REAPED_ENV] === '1') return
  watching = true
  try {
    const watcher = new Worker(watcherCode, { eval: true, workerData: { farm: process.ppid, everyMs } })
    watcher.unref()
    // Without the thread the worker still ends on `disconnect` whenever its main thread is free.
    watcher.on('error', () => undefined)
  } catch {
    // As above.
  }
}
