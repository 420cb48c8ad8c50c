import type { LogLevel } from '../shared/job-state'
import { UNIT_SPAN, indexOfUnit, itemOfUnit, unitId, type DoneRun, type WorkItem } from '../shared/worker-protocol'
import type { HistoryWriter } from './history-writer'
import type { ItemRun } from './item-run'
import type { JobRun, Task } from './job-run'
import type { TaskItem } from './task'

/**
 * Settles single units of a task in their items (done, or failed for good) and answers what a task
 * still owes: the bookkeeping under TaskResults, which decides what a worker's report means.
 */
export class UnitSettling {
  constructor(
    private readonly d: {
      writer: HistoryWriter
      log(jobId: number | null, level: LogLevel, source: string, message: string): void
    },
  ) {}

  /** A unit this task owed is done: settled in its item, its result and attempts kept for the next write. */
  done(task: Task, id: number, result: unknown): boolean {
    const job = task.job
    const index = indexOfUnit(id)
    const single = task.units.get(id)
    if (single) task.units.delete(id)
    const entry = task.items.get(itemOfUnit(id))
    const owned = entry?.owned.delete(index) ?? false
    if (!single && !owned) return false
    const item = entry?.item ?? job.items.get(itemOfUnit(id))
    if (!item || !item.settle(index, 'done')) return false
    if (owned) task.furthest = Math.max(task.furthest, entry!.order * UNIT_SPAN + index)
    this.d.writer.changed(item)
    if (result !== null && result !== undefined) item.setResult(index, JSON.stringify(result))
    const attempts = single?.attempt ?? 1
    if (attempts > 1) this.d.writer.outcome({ itemId: item.id, unit: index, attempts, error: null, code: null })
    this.afterSettle(job, item)
    return true
  }

  /**
   * Units done in a row (`DoneRun`): settled one by one; their results kept as the text that came
   * when every one of them settled now (else only those that did). Returns how many settled now.
   */
  doneRun(task: Task, { item: itemId, from, to, results }: DoneRun): number {
    const entry = task.items.get(itemId)
    const item = entry?.item ?? task.job.items.get(itemId)
    const now: number[] = []
    if (entry && task.units.size === 0) this.settleOwned(task, entry, from, to, now)
    else for (let index = from; index < to; index++) if (this.done(task, unitId(itemId, index), null)) now.push(index)
    if (results === null || !item || now.length === 0) return now.length
    if (now.length === to - from) item.setResults(from, to, results)
    else {
      // A late or repeated report of some of them: only the units settled now take their results.
      const values = JSON.parse(results) as unknown[]
      for (const index of now) {
        const value = values[index - from]
        if (value !== null && value !== undefined) item.setResult(index, JSON.stringify(value))
      }
    }
    return now.length
  }

  /**
   * `done` for a run of units of an item the task holds (and no single units): the same outcome, with
   * the bookkeeping done once per run instead of once per unit (a map reports thousands at a time).
   */
  private settleOwned(task: Task, entry: TaskItem, from: number, to: number, now: number[]): void {
    for (let index = from; index < to; index++)
      if (entry.owned.delete(index) && entry.item.settle(index, 'done')) now.push(index)
    if (now.length === 0) return
    task.furthest = Math.max(task.furthest, entry.order * UNIT_SPAN + now.at(-1)!)
    this.d.writer.changed(entry.item)
    this.afterSettle(task.job, entry.item)
  }

  /** The unit as sent, when this task still owes a report on it. */
  take(task: Task, id: number): WorkItem | undefined {
    const single = task.units.get(id)
    if (single) {
      task.units.delete(id)
      return single
    }
    const entry = task.items.get(itemOfUnit(id))
    if (!entry?.owned.delete(indexOfUnit(id))) return undefined
    task.furthest = Math.max(task.furthest, entry.order * UNIT_SPAN + indexOfUnit(id))
    return entry.item.unit(indexOfUnit(id), 1)
  }

  /** Units the task holds that have no outcome yet, in the order sent. */
  unsettledOf(task: Task): { unit: WorkItem; position: number }[] {
    const out: { unit: WorkItem; position: number }[] = []
    for (const { item, order, owned } of task.items.values()) {
      for (const index of owned) out.push({ unit: item.unit(index, 1), position: order * UNIT_SPAN + index })
    }
    let order = task.items.size
    for (const unit of task.units.values()) out.push({ unit, position: order++ * UNIT_SPAN })
    return out
  }

  /** A unit failed with no attempt left: counted, its error kept and logged. */
  failForGood(job: JobRun, unit: WorkItem, error: string, code?: string, result?: unknown): void {
    const item = job.items.get(itemOfUnit(unit.id))
    if (!item || !item.settle(indexOfUnit(unit.id), 'failed')) return
    job.itemsFailed++
    this.d.writer.changed(item)
    if (result !== null && result !== undefined) item.setResult(indexOfUnit(unit.id), JSON.stringify(result))
    this.d.writer.count(job.id, 0, 1, 0)
    this.d.writer.outcome({
      itemId: item.id,
      unit: indexOfUnit(unit.id),
      attempts: unit.attempt,
      error,
      code: code ?? null,
    })
    this.d.log(job.id, 'error', 'core', `${unit.key}: ${error}`)
    this.afterSettle(job, item)
  }

  private afterSettle(job: JobRun, item: ItemRun): void {
    if (item.unsettled === 0) job.items.delete(item.id)
  }

  /** Unsettled units of the task go back to the queue as they were, all but `except` (a crash suspect). */
  putBack(task: Task, left: readonly { unit: WorkItem }[], except?: WorkItem): void {
    for (const { unit } of left) {
      if (unit === except) continue
      const entry = task.items.get(itemOfUnit(unit.id))
      if (entry?.owned.has(indexOfUnit(unit.id))) entry.item.release(indexOfUnit(unit.id))
      else task.job.retryQueue.push({ unit, alone: false })
    }
    for (const { item } of task.items.values()) task.job.reopen(item)
  }
}
