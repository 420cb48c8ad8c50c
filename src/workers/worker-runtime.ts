import type { JobSpec } from '../shared/job-spec'
import { toErrorInfo } from '../shared/user-error'
import type { FromWorker, ItemFailure, ItemSuccess, PlannedItem, ToWorker, WorkItem } from '../shared/worker-protocol'
import type { KindHandler } from './kind-handler'

/** How often a busy task reports results and progress: often enough to look live, rarely enough to be cheap. */
const FLUSH_MS = 100
const FLUSH_ITEMS = 500

export type HandlerLoaders = { [K in JobSpec['kind']]: () => Promise<KindHandler<Extract<JobSpec, { kind: K }>>> }

interface Transport {
  send(message: FromWorker): void
  onMessage(listener: (message: ToWorker) => void): void
  exit(code: number): void
}

/** Runs tasks sent by the farm, one at a time per worker; speaks only the worker protocol. */
export function startWorkerRuntime(transport: Transport, handlers: HandlerLoaders): void {
  const aborts = new Map<number, AbortController>()
  transport.onMessage((message) => {
    switch (message.type) {
      case 'shutdown':
        for (const controller of aborts.values()) controller.abort()
        transport.exit(0)
        return
      case 'cancel':
        aborts.get(message.taskId)?.abort()
        return
      default:
        void runTask(message)
    }
  })
  transport.send({ type: 'ready', pid: process.pid })

  async function runTask(message: Exclude<ToWorker, { type: 'shutdown' | 'cancel' }>): Promise<void> {
    const { taskId, jobId, spec } = message
    const controller = new AbortController()
    aborts.set(taskId, controller)
    const out = new TaskOutbox(taskId, transport.send, message.type === 'run' ? message.items : [])
    const base = {
      jobId,
      signal: controller.signal,
      log: (level: 'debug' | 'info' | 'warn' | 'error', text: string) =>
        transport.send({ type: 'log', taskId, level, message: text }),
    }
    try {
      const handler = (await handlers[spec.kind]()) as KindHandler
      let summary
      if (message.type === 'plan') summary = (await handler.plan(spec, { ...base, emit: (item) => out.planned(item) })) ?? undefined
      else if (message.type === 'run') {
        await handler.run(spec, message.items, {
          ...base,
          done: (id, result) => out.done({ id, result: result ?? null }),
          failed: (id, error, options) =>
            out.failed({ id, error, code: options?.code, retryable: options?.retryable ?? true }),
          progress: (id, bytes) => out.progress(id, bytes),
        })
      } else await handler.cleanup?.(spec, { ...base, reason: message.reason })
      out.flush()
      transport.send({ type: 'done', taskId, summary, rss: process.memoryUsage.rss() })
    } catch (error) {
      out.flush()
      transport.send({ type: 'failed', taskId, error: toErrorInfo(error), rss: process.memoryUsage.rss() })
    } finally {
      out.close()
      aborts.delete(taskId)
    }
  }
}

/** Coalesces a task's results, plan items and progress into few messages. */
class TaskOutbox {
  private plannedItems: PlannedItem[] = []
  private doneItems: ItemSuccess[] = []
  private failedItems: ItemFailure[] = []
  private partialBytes = new Map<number, number>()
  private progressDirty = false
  private readonly timer: NodeJS.Timeout
  private readonly keys: Map<number, string>

  constructor(
    private readonly taskId: number,
    private readonly send: (message: FromWorker) => void,
    items: WorkItem[],
  ) {
    this.keys = new Map(items.map((item) => [item.id, item.key]))
    this.timer = setInterval(() => this.flush(), FLUSH_MS)
  }

  planned(item: PlannedItem): void {
    this.plannedItems.push(item)
    if (this.plannedItems.length >= FLUSH_ITEMS) this.flush()
  }
  done(item: ItemSuccess): void {
    this.settle(item.id)
    this.doneItems.push(item)
    if (this.doneItems.length >= FLUSH_ITEMS) this.flush()
  }
  failed(item: ItemFailure): void {
    this.settle(item.id)
    this.failedItems.push(item)
    if (this.failedItems.length >= FLUSH_ITEMS) this.flush()
  }
  progress(id: number, bytes: number): void {
    this.partialBytes.set(id, bytes)
    this.progressDirty = true
  }

  flush(): void {
    const { taskId } = this
    if (this.plannedItems.length) this.send({ type: 'planned', taskId, items: this.plannedItems.splice(0) })
    if (this.doneItems.length) this.send({ type: 'itemsDone', taskId, items: this.doneItems.splice(0) })
    if (this.failedItems.length) this.send({ type: 'itemsFailed', taskId, items: this.failedItems.splice(0) })
    if (this.progressDirty) {
      this.progressDirty = false
      let bytes = 0
      for (const b of this.partialBytes.values()) bytes += b
      const current = [...this.partialBytes.keys()].slice(0, 8).map((id) => this.keys.get(id) ?? String(id))
      this.send({ type: 'progress', taskId, bytes, current })
    }
  }

  close(): void {
    clearInterval(this.timer)
  }

  private settle(id: number): void {
    if (this.partialBytes.delete(id)) this.progressDirty = true
  }
}
