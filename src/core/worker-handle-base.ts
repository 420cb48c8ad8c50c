import { createInterface } from 'node:readline'
import { SpecSender } from '../shared/spec-once'
import type { FromWorker, ToWorker } from '../shared/worker-protocol'
import type { WorkerExit, WorkerHandle } from './worker-handle'

/** How long a new worker may take to say `ready` before it counts as failed to launch. */
export const READY_TIMEOUT_MS = 15_000

/**
 * What every worker runtime does the same way: listeners, the ready handshake with its time limit,
 * line-split output, and stopping politely then killing. Subclasses only fork, post and kill.
 */
export abstract class WorkerHandleBase implements WorkerHandle {
  protected exitInfo: WorkerExit | null = null
  /** Sends a job's spec with its first task to this process only (`spec-once.ts`). */
  protected readonly specs = new SpecSender()
  private readonly messageListeners: ((m: FromWorker) => void)[] = []
  private readonly outputListeners: ((s: 'stdout' | 'stderr', line: string) => void)[] = []
  private readonly exitListeners: ((e: WorkerExit) => void)[] = []

  abstract readonly pid: number | null
  abstract start(): Promise<void>
  abstract post(message: ToWorker): void
  abstract kill(): void

  onMessage(listener: (message: FromWorker) => void): void {
    this.messageListeners.push(listener)
  }
  onOutput(listener: (stream: 'stdout' | 'stderr', line: string) => void): void {
    this.outputListeners.push(listener)
  }
  onExit(listener: (exit: WorkerExit) => void): void {
    if (this.exitInfo) listener(this.exitInfo)
    else this.exitListeners.push(listener)
  }

  stop(graceMs: number): Promise<WorkerExit> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo)
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.kill(), graceMs)
      this.onExit((exit) => {
        clearTimeout(timer)
        resolve(exit)
      })
      this.post({ type: 'shutdown' })
    })
  }

  /** Settles once: on `ready` (resolve), on an early exit or a launch error (reject), or when time runs out (kill). */
  protected readyGate(): { promise: Promise<void>; settle(error?: Error): void } {
    let settled = false
    let settle!: (error?: Error) => void
    const promise = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        settle(new Error('worker did not become ready in time'))
        this.kill()
      }, READY_TIMEOUT_MS)
      settle = (error) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (error) reject(error)
        else resolve()
      }
    })
    return { promise, settle }
  }

  protected emitMessage(message: FromWorker): void {
    for (const listener of this.messageListeners) listener(message)
  }

  protected pipeLines(
    input: NodeJS.ReadableStream | null | undefined,
    stream: 'stdout' | 'stderr',
    also?: (line: string) => void,
  ): void {
    if (!input) return
    createInterface({ input, crlfDelay: Infinity }).on('line', (line) => {
      also?.(line)
      for (const listener of this.outputListeners) listener(stream, line)
    })
  }

  protected finish(exit: WorkerExit): void {
    if (this.exitInfo) return
    this.exitInfo = exit
    for (const listener of this.exitListeners.splice(0)) listener(exit)
  }
}
