import type { WorkItem } from '../shared/worker-protocol'
import type { ItemRun } from './item-run'
import type { JobRun } from './job-run'
import type { OwnedUnits } from './owned-units'

/** An item's units a task holds: `owned` are the indexes it has not reported on; `order`, the item's place in the task. */
export interface TaskItem {
  item: ItemRun
  order: number
  owned: OwnedUnits
}

/** One message of work to a worker (a plan, units to run, a clean-up) and what it still owes. */
export interface Task {
  id: number
  job: JobRun
  type: 'plan' | 'run' | 'cleanup'
  /** Units of items this task holds and has not reported on, by item. */
  items: Map<number, TaskItem>
  /** Single units sent (retries, a crash suspect), by id, until reported on. */
  units: Map<number, WorkItem>
  /** A unit sent alone because it was in hand when a worker died. */
  alone: boolean
  /** The furthest unit reported, as `order * 65536 + index`: the unit after it is the one in hand. */
  furthest: number
  sentAt: number
  sentUnits: number
  sentBytes: number
  partialBytes: number
  current: string[]
  /** Process groups its units lead (commands), by unit id, until each unit settles. */
  groups: Map<number, number>
  /** Stopped to free memory (`MemoryGuard`): its unsettled units go back to the queue, no attempt counted. */
  requeue?: boolean
}

/** What one task carries, chosen by `takeBatch`. */
export interface Batch {
  items: { item: ItemRun; indexes: number[] }[]
  units: WorkItem[]
  alone: boolean
}
