import type { JobSpec } from './job-spec'
import type { ToWorker } from './worker-protocol'

/**
 * Jobs whose spec a worker process keeps. The sending handle and the worker's runtime apply the same
 * rule to the same ordered stream of messages (newest kept, oldest dropped), so they always agree on
 * which specs the worker holds without ever asking.
 */
const KEPT_SPECS = 64

type TaskMessage = Extract<ToWorker, { taskId: number; jobId: number }>

/** Remembers a job's spec as the newest one kept, dropping the oldest beyond the bound. */
function keep(specs: Map<number, JobSpec>, jobId: number, spec: JobSpec): void {
  specs.delete(jobId)
  specs.set(jobId, spec)
  if (specs.size > KEPT_SPECS) specs.delete(specs.keys().next().value!)
}

/**
 * The farm's side, one per worker process: a job's spec goes with its first task to this worker only
 * (and again should the farm hold a different spec object for it, or the worker have dropped it).
 */
export class SpecSender {
  private readonly sent = new Map<number, JobSpec>()

  /** The message as it goes on the wire: without its spec when the worker already holds it. */
  wire(message: ToWorker): ToWorker {
    if (!('spec' in message)) return message
    if (this.sent.get(message.jobId) === message.spec) {
      const { spec: _held, ...rest } = message
      return rest as ToWorker
    }
    keep(this.sent, message.jobId, message.spec)
    return message
  }
}

/** The worker's side: fills in the spec of a task that came without one. */
export class SpecKeeper {
  private readonly specs = new Map<number, JobSpec>()

  /** The task with its spec; throws when it came without one this worker never got (a farm bug). */
  complete<M extends TaskMessage>(message: M): M {
    const spec = (message as { spec?: JobSpec }).spec
    if (spec) {
      keep(this.specs, message.jobId, spec)
      return message
    }
    const held = this.specs.get(message.jobId)
    if (!held) throw new Error(`task ${message.taskId} of job ${message.jobId} came without the job's spec`)
    return { ...message, spec: held }
  }
}
