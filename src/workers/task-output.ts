import type { FromWorker } from '../shared/worker-protocol'

const streams = { stdout: 'info', stderr: 'warn' } as const

/**
 * What a task's code prints (`console.log`, `process.stdout.write`) goes to the farm over the message
 * channel, as log lines of that task, in order with the task's results. Down the stdout pipe, a line
 * printed just before a task ended could reach the farm after the task's `done`, when the worker held
 * no task (or one of another job), and it was logged without its job (seen under load). Output while
 * no task runs, and what native code or child processes write to the descriptors, still goes down
 * the pipes, where the farm logs it under the worker's current job and keeps stderr's tail for crashes.
 */
export class TaskOutput {
  /** A line begun and not yet ended, per stream. */
  private readonly partial = { stdout: '', stderr: '' }

  constructor(
    private readonly send: (message: FromWorker) => void,
    /** The task whose code runs now, if any: the first of those in hand. */
    private readonly currentTask: () => number | undefined,
  ) {
    for (const name of Object.keys(streams) as (keyof typeof streams)[]) {
      const stream = process[name]
      const write = stream.write.bind(stream) as (...args: unknown[]) => boolean
      stream.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
        const taskId = this.currentTask()
        if (taskId === undefined) return write(chunk, ...rest)
        const text = this.partial[name] + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString())
        const lines = text.split('\n')
        this.partial[name] = lines.pop()!
        for (const line of lines) this.line(taskId, name, line)
        const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
        if (done) process.nextTick(done)
        return true
      }
    }
  }

  /** The task ends: a line it left unfinished goes now, before its end is reported. */
  settle(taskId: number): void {
    for (const name of Object.keys(streams) as (keyof typeof streams)[]) {
      if (this.partial[name] === '') continue
      this.line(taskId, name, this.partial[name])
      this.partial[name] = ''
    }
  }

  private line(taskId: number, stream: keyof typeof streams, line: string): void {
    this.send({ type: 'log', taskId, level: streams[stream], message: line.endsWith('\r') ? line.slice(0, -1) : line })
  }
}
