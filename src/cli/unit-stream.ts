import type { ApiEventPayload } from '../shared/api'
import type { ItemRow } from '../shared/api-types'
import type { ItemState } from '../shared/job-state'
import { JobStore } from '../core/store/job-store'
import { closeReader, openDatabase } from '../core/store/open-database'
import type { CliContext } from './cli-context'

const PAGE = 2000
/**
 * Reads at most this often: each read scans up to a page past the first unfinished unit, and a job of
 * quick commands commits (and says so) after every unit: 2,000 runs of `true` spent 1.8 s of the
 * farmer's CPU reading, more than running them. Output lags by at most this much.
 */
const READ_EVERY_MS = 50

/** Where the farm says a job's units reached the history: its own events, or the owner's over the control socket. */
export interface UnitEvents {
  on(event: 'job.units', listener: (payload: ApiEventPayload<'job.units'>) => void): () => void
}

/** A job's stream to the terminal: `start` once the job exists, `stop` once it has ended (shows the rest). */
export interface JobStream {
  /**
   * Before a job runs again (`resume`, `retry`): the units finished now are not shown, but for those
   * `runsAgain` names (a retry's failed ones), whose new outcome is.
   */
  passOver(jobId: number, runsAgain: (state: ItemState) => boolean): void
  start(jobId: number, events: UnitEvents): void
  stop(): void
}

/**
 * Streams a job's finished units as they reach the history, read through a read-only connection
 * beside the running farm, when the farm says it wrote some (at most every READ_EVERY_MS; never on a
 * timer alone). With `keepOrder` a unit is shown only once every unit before it has finished (GNU
 * parallel's `--keep-order`); otherwise in the order they finish, roughly.
 */
export function followUnits(cli: CliContext, keepOrder: boolean, show: (item: ItemRow) => void): JobStream {
  /** Every unit at or before this id has been shown (or skipped at the end). */
  let lowWater = 0
  const shown = new Set<number>()
  /** Marks unit `id` shown; the low-water mark moves while no unit before it is left to show. */
  const mark = (id: number, gap: boolean): void => {
    if (gap) shown.add(id)
    else {
      lowWater = id
      shown.delete(id)
    }
  }
  const passOver = (store: JobStore, jobId: number, runsAgain: (state: ItemState) => boolean): void => {
    let gap = false
    for (const { id, state } of store.unitStates(jobId)) {
      if (state === 'pending' || runsAgain(state)) gap = true
      else mark(id, gap)
    }
  }
  /**
   * Units are dispatched in input order, so finished ones sit just past the low-water mark: the scan
   * stops a page after the first unfinished unit (at once with `keepOrder`).
   */
  return whenUnitsWritten(cli, passOver, (store, jobId, final) => {
    let unfinishedSeen = 0
    for (let after = lowWater; ;) {
      const items = store.itemsAfter(jobId, after, PAGE)
      for (const item of items) {
        const finished = item.state !== 'pending'
        if (!finished && !final) {
          if (keepOrder) return
          if (++unfinishedSeen > PAGE) return
          continue
        }
        if (finished && !shown.has(item.id)) show(item)
        mark(item.id, unfinishedSeen > 0)
      }
      if (items.length < PAGE) return
      after = items.at(-1)!.id
    }
  })
}

/**
 * Streams the results of a job's done units in input order, as JSON lines (`map`): what `Pool.map`
 * returns, a line at a time. Written in one piece per read (a write per result was a system call each).
 */
export function followResults(cli: CliContext, write: (text: string) => void): JobStream {
  let fromItem = 0
  // Its results are a list: resumed, the job's whole list comes again (`outputAgain`), so nothing is passed over.
  return whenUnitsWritten(cli, null, (store, jobId, final) => {
    for (;;) {
      const { text, next, more } = store.doneResultsFrom(jobId, fromItem, RESULT_ITEMS, final)
      if (text) write(text)
      fromItem = next
      if (!more) return
    }
  })
}
/** Items read at once for their results (up to 65,536 units each). */
const RESULT_ITEMS = 16

/** Reads the history when the farm says the job's units reached it, and once more at the job's end. */
function whenUnitsWritten(
  cli: CliContext,
  passOver: ((store: JobStore, jobId: number, runsAgain: (state: ItemState) => boolean) => void) | null,
  read: (store: JobStore, jobId: number, final: boolean) => void,
): JobStream {
  let unsubscribe: (() => void) | null = null
  let jobId = 0
  // Read-only, beside the farm that writes (this process's own, or the owner's).
  const store = (): JobStore => (reader ??= new JobStore(openDatabase(cli.dbPath, { readonly: true })))
  let reader: JobStore | undefined
  let lastRead = 0
  let readSoon: NodeJS.Timeout | null = null

  const readNow = (): void => {
    readSoon = null
    lastRead = Date.now()
    read(store(), jobId, false)
  }
  const written = (): void => {
    if (readSoon) return
    const wait = lastRead + READ_EVERY_MS - Date.now()
    if (wait <= 0) readNow()
    else readSoon = setTimeout(readNow, wait)
  }

  return {
    passOver(id, runsAgain) {
      passOver?.(store(), id, runsAgain)
    },
    start(id, events) {
      jobId = id
      unsubscribe = events.on('job.units', (units) => units.jobId === jobId && written())
    },
    /** The job has ended: show what is left, in order. */
    stop() {
      if (!unsubscribe) return
      unsubscribe()
      unsubscribe = null
      if (readSoon) clearTimeout(readSoon)
      readSoon = null
      read(store(), jobId, true)
      if (reader) closeReader(reader.db, cli.dbPath)
      reader = undefined
    },
  }
}
