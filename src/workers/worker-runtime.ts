import type { JobSpec } from '../shared/job-spec'
import { toErrorInfo } from '../shared/user-error'
import type { FromWorker, PlannedItem, ToWorker, WorkItem } from '../shared/worker-protocol'
import { SpecKeeper } from '../shared/spec-once'
import type { KindHandler } from './kind-handler'
import { farmIsGone } from './farm-alive'
import { farmHostTurns } from './farm-host-turns'
import { loadSqlite, openHistory } from './history-reader'
import { TaskUnits } from './task-units'
import { ItemPacker, itemBounds } from './item-packer'
import { FoundUnitsPacker } from './found-units'
import { TaskOutbox } from './task-outbox'
import { TaskOutput } from './task-output'
import { kindTraits } from '../shared/kind-traits'

/** A task's `done` or `failed`, before the worker adds what it measured. */
type WithoutMeasures<T> = T extends unknown ? Omit<T, 'rss' | 'busyMs'> : never
type TaskEnd = WithoutMeasures<Extract<FromWorker, { type: 'done' | 'failed' }>>

export type HandlerLoaders = { [K in JobSpec['kind']]: () => Promise<KindHandler<Extract<JobSpec, { kind: K }>>> }

interface Transport {
  send(message: FromWorker): void
  onMessage(listener: (message: ToWorker) => void): void
  exit(code: number): void
}

export interface RuntimeOptions {
  /** The kind of the job this worker was started for: its code loads now, with SQLite (units are read from the history), while the farm still loads and plans. */
  preload?: string
  /** Send what tasks print as their log lines (`TaskOutput`): a worker process's own, not a test's. */
  captureOutput?: boolean
}

/** Runs tasks sent by the farm; speaks only the worker protocol, and hands kind handlers plain units. */
export function startWorkerRuntime(transport: Transport, handlers: HandlerLoaders, options: RuntimeOptions = {}): void {
  const { preload } = options
  const aborts = new Map<number, AbortController>()
  // A job's spec comes with its first task to this worker only (`spec-once.ts`).
  const specs = new SpecKeeper()
  const turns = farmHostTurns(transport.send)
  const output = options.captureOutput ? new TaskOutput(transport.send, () => aborts.keys().next().value) : null
  transport.onMessage((message) => {
    switch (message.type) {
      case 'hostTurn':
        turns.granted(message.ask, message.ticket)
        return
      case 'shutdown':
        for (const controller of aborts.values()) controller.abort()
        transport.exit(0)
        return
      case 'cancel':
        aborts.get(message.taskId)?.abort()
        return
      case 'warm':
        void warm(handlers, message)
        return
      default:
        try {
          void runTask(specs.complete(message))
        } catch (error) {
          const rss = residentBytes()
          transport.send({ type: 'failed', taskId: message.taskId, error: toErrorInfo(error), rss })
        }
    }
  })
  transport.send({ type: 'ready', pid: process.pid })
  if (preload && Object.hasOwn(handlers, preload)) {
    // A failure here is the first task's to report (`warm` and `runTask` load the same again).
    handlers[preload as JobSpec['kind']]().catch(() => undefined)
    loadSqlite().catch(() => undefined)
  }

  async function runTask(
    message: Exclude<ToWorker, { type: 'shutdown' | 'cancel' | 'warm' | 'hostTurn' }>,
  ): Promise<void> {
    // Sent just before the farm died: nobody would record what it did, and the next farm runs it again.
    if (farmIsGone()) return transport.exit(0)
    const { taskId, jobId, spec } = message
    const arrived = performance.now()
    // A task's end carries the worker's memory and its own time for the task (the farm sizes tasks by it).
    const end = (ending: TaskEnd): void =>
      transport.send({ ...ending, rss: residentBytes(), busyMs: performance.now() - arrived })
    const controller = new AbortController()
    aborts.set(taskId, controller)
    let units = NO_UNITS
    try {
      if (message.type === 'run') units = await TaskUnits.read(message)
    } catch (error) {
      end({ type: 'failed', taskId, error: toErrorInfo(error) })
      aborts.delete(taskId)
      return
    }
    const out = new TaskOutbox(
      taskId,
      transport.send,
      units,
      new ItemPacker(message.type === 'plan' ? itemBounds(spec, message.batch) : { units: 1, bytes: 0 }),
      new FoundUnitsPacker(kindTraits[spec.kind]),
      message.type === 'run' && message.packResults === true,
    )
    const base = {
      jobId,
      signal: controller.signal,
      log: (level: 'debug' | 'info' | 'warn' | 'error', text: string) =>
        transport.send({ type: 'log', taskId, level, message: text }),
    }
    // The farm shows what each worker is on: the unit it starts with, told now (it never parses items).
    const first = units.first()
    if (first) transport.send({ type: 'progress', taskId, bytes: 0, current: [first.key] })
    try {
      const handler = (await handlers[spec.kind]()) as KindHandler
      let summary
      if (message.type === 'plan')
        summary =
          (await handler.plan(spec, {
            ...base,
            history: message.history,
            emit: (item) => out.planned(item),
            emitKeys: (keys) => out.plannedKeys(keys),
            findUnits: message.findUnits === true,
          })) ?? undefined
      else if (message.type === 'run') {
        await handler.run(spec, units, {
          ...base,
          history: message.history,
          done: (id, result) => out.done(id, result),
          failed: (id, error, options) =>
            out.failed({
              id,
              error,
              code: options?.code,
              retryable: options?.retryable ?? true,
              result: options?.result,
              ...(options?.retryAfterMs !== undefined ? { retryAfterMs: options.retryAfterMs } : {}),
            }),
          progress: (id, bytes) => out.progress(id, bytes),
          ...(message.findUnits ? { emit: (id: number, unit: PlannedItem) => out.found(id, unit) } : {}),
          spawned: (id, group) => transport.send({ type: 'spawned', taskId, unit: id, group }),
          ...(message.paced ? { hostTurns: turns.forTask(taskId, message.jobId) } : {}),
        })
      } else await handler.cleanup?.(spec, { ...base, reason: message.reason })
      output?.settle(taskId)
      out.flush(true)
      end({ type: 'done', taskId, summary })
    } catch (error) {
      output?.settle(taskId)
      out.flush(true)
      end({ type: 'failed', taskId, error: toErrorInfo(error) })
    } finally {
      out.close()
      aborts.delete(taskId)
    }
  }
}

/** The units of a run task, in the order sent, as objects all at once (tests; the runtime reads `TaskUnits`). */
export async function unpackUnits(message: Extract<ToWorker, { type: 'run' }>): Promise<WorkItem[]> {
  return [...(await TaskUnits.read(message))]
}

const NO_UNITS = TaskUnits.of([])

/** The process's resident memory, read at most every 200 ms: a task's end reports it, and tasks can be many. */
function residentBytes(): number {
  const now = Date.now()
  if (now - rssAt > 200) {
    rss = process.memoryUsage.rss()
    rssAt = now
  }
  return rss
}
let rss = 0
let rssAt = 0

/** Loads a kind's code and opens the history ahead of the first task; that task reports any error. */
async function warm(handlers: HandlerLoaders, message: Extract<ToWorker, { type: 'warm' }>): Promise<void> {
  try {
    await handlers[message.kind]()
    if (message.history) await openHistory(message.history)
  } catch {
    // The task that needs them tries again and says why.
  }
}
