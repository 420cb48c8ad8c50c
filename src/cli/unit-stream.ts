import type { ItemRow } from '../shared/api-types'
import { JobStore } from '../core/store/job-store'
import { openDatabase } from '../core/store/open-database'
import type { CliContext } from './cli-context'

/** How often finished units are looked up while a job runs (the history is written every 250 ms). */
const POLL_MS = 200
const PAGE = 2000

/**
 * Streams a job's finished units as they reach the history, read through a read-only connection
 * beside the running farm. With `keepOrder` a unit is shown only once every unit before it has
 * finished (GNU parallel's `--keep-order`); otherwise in the order they finish, roughly.
 */
export function followUnits(
  cli: CliContext,
  keepOrder: boolean,
  show: (item: ItemRow) => void,
): { start(jobId: number): void; stop(): void } {
  let timer: NodeJS.Timeout | null = null
  let jobId = 0
  /** Every unit at or before this id has been shown (or skipped at the end). */
  let lowWater = 0
  const shown = new Set<number>()
  // Read-only, beside the farm that writes (this process's own, or the owner's).
  const store = (): JobStore => (reader ??= new JobStore(openDatabase(cli.dbPath, { readonly: true })))
  let reader: JobStore | undefined

  /**
   * Units are dispatched in input order, so finished ones sit just past the low-water mark: the scan
   * stops a page after the first unfinished unit (at once with `keepOrder`).
   */
  const poll = (final: boolean): void => {
    let unfinishedSeen = 0
    for (let after = lowWater; ;) {
      const items = store().itemsAfter(jobId, after, PAGE)
      for (const item of items) {
        const finished = item.state !== 'pending'
        if (!finished && !final) {
          if (keepOrder) return
          if (++unfinishedSeen > PAGE) return
          continue
        }
        if (finished && !shown.has(item.id)) show(item)
        if (unfinishedSeen === 0) {
          lowWater = item.id
          shown.delete(item.id)
        } else shown.add(item.id)
      }
      if (items.length < PAGE) return
      after = items.at(-1)!.id
    }
  }

  return {
    start(id) {
      jobId = id
      timer = setInterval(() => poll(false), POLL_MS)
    },
    /** The job has ended: show what is left, in order. */
    stop() {
      if (!timer) return
      clearInterval(timer)
      timer = null
      poll(true)
      reader?.db.close()
      reader = undefined
    },
  }
}
