import { LOAD_KIND_FLAG, type FromWorker, type ToWorker } from '../shared/worker-protocol'
import { handlers } from './handlers'
import { startWorkerRuntime } from './worker-runtime'

/**
 * The one entry file of every worker process. In the desktop app it runs as an Electron utility
 * process (messages through `process.parentPort`); under the CLI, the web host and the tests it is a
 * Node child process (messages through `process.send`).
 */
interface ParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort

// A console's Ctrl-C reaches every process on it (on Windows the whole console, on POSIX the
// terminal's process group): the farm alone decides how its workers stop (gracefully, then killed),
// so a worker does not die under the graceful stop the farm has just begun.
process.on('SIGINT', () => {})

// Started ahead of a job of a known kind (`prestart`): its code loads while the farm still gets ready.
const preload = process.argv.find((arg) => arg.startsWith(LOAD_KIND_FLAG))?.slice(LOAD_KIND_FLAG.length)

if (parentPort) {
  startWorkerRuntime(
    {
      send: (message: FromWorker) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as ToWorker)),
      exit: (code) => process.exit(code),
    },
    handlers,
    { preload, captureOutput: true },
  )
} else if (process.send) {
  const send = process.send.bind(process)
  // A farm that dies without saying goodbye must not leave orphaned workers behind.
  process.on('disconnect', () => process.exit(0))
  // A closed terminal signals the whole process group too (Ctrl-C is ignored above for both runtimes),
  // and so do `timeout` and `kill -TERM -PGID`: the farm stops its workers itself (they are killed
  // with SIGKILL when they must be), and dies first otherwise — then `disconnect` ends them. Not for
  // Electron's utility processes: Electron stops those with SIGTERM.
  process.on('SIGHUP', () => {})
  process.on('SIGTERM', () => {})
  startWorkerRuntime(
    {
      send: (message: FromWorker) => void send(message),
      onMessage: (listener) => process.on('message', (message) => listener(message as ToWorker)),
      exit: (code) => process.exit(code),
    },
    handlers,
    { preload, captureOutput: true },
  )
} else {
  console.error('task-farm worker: start me from the farm, not by hand.')
  process.exit(2)
}
