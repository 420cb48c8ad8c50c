import { ItemRun } from './item-run'
import type { JobStore } from './store/job-store'

/** Items read from SQLite at a time: each may hold thousands of units, so a few are plenty. */
const PAGE_SIZE = 16

/**
 * A job's items with free units, in order, read from the history a page at a time (the page read
 * last, and in front the items whose worker died). Its `last` items (a copy's folder times) are read
 * only once every other unit has settled.
 */
export class OpenItems {
  private readonly open: ItemRun[] = []
  private cursor = 0
  private exhausted = false
  /** Every other unit has settled: the `last` items are handed out now. */
  private lastPhase = false

  constructor(
    private readonly jobId: number,
    private readonly store: JobStore,
    /** Items with unsettled units, by id: each one read is kept here too. */
    private readonly items: Map<number, ItemRun>,
    /** Nothing but `last` units can be left: planned, nothing queued, waiting or in flight. */
    private readonly onlyLastLeft: () => boolean,
  ) {}

  /** The item whose units go next, if any. */
  peek(): ItemRun | undefined {
    for (;;) {
      const item = this.peekPhase()
      if (item || this.lastPhase || !this.onlyLastLeft()) return item
      // The `last` items go once every other unit has settled (a folder's times after its content).
      this.lastPhase = true
      this.cursor = 0
      this.exhausted = false
    }
  }

  /** The first item has no free unit left: it leaves the queue. */
  shift(): void {
    this.open.shift()
  }

  /** Units of the item are free again (their worker died): they go next. */
  reopen(item: ItemRun): void {
    if (item.free === 0 || item.queued) return
    item.queued = true
    this.open.unshift(item)
  }

  /** A plan added items: look in the history again. */
  morePlanned(): void {
    this.exhausted = false
  }

  private peekPhase(): ItemRun | undefined {
    while (this.open.length === 0 && !this.exhausted) {
      const rows = this.store.pendingItems(this.jobId, this.cursor, PAGE_SIZE, this.lastPhase)
      if (rows.length < PAGE_SIZE) this.exhausted = true
      const last = rows.at(-1)
      if (last) this.cursor = last.id
      for (const row of rows) {
        const item = new ItemRun(row, (id) => this.store.itemUnits(id))
        if (item.free === 0) continue
        this.items.set(item.id, item)
        item.queued = true
        this.open.push(item)
      }
    }
    return this.open[0]
  }
}
