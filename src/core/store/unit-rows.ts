import type Database from 'better-sqlite3'
import type { ItemRow } from '../../shared/api-types'
import type { ItemState } from '../../shared/job-state'
import { UNIT_SPAN, type PackedUnit } from '../../shared/worker-protocol'
import { keyOfUnit, sizeOfUnit } from '../../shared/packed-unit'
import { eachUnitKey, eachUnitSize } from './packed-unit-sql'
import { jsonElements } from './json-elements'

/** A unit's state as one character of its item's `marks`. */
export const MARK = { pending: '-', done: 'd', failed: 'f' } as const satisfies Record<ItemState, string>

/** A unit's state from its mark (`stateOf` is the same in SQL). */
export const stateOfMark = (mark: string | undefined): ItemState =>
  mark === MARK.done ? 'done' : mark === MARK.failed ? 'failed' : 'pending'

/** The SQL expression that turns a unit's mark into its state. */
export const stateOf = (mark: string): string =>
  `CASE ${mark} WHEN '${MARK.done}' THEN 'done' WHEN '${MARK.failed}' THEN 'failed' ELSE 'pending' END`

export interface OutcomeRow {
  unit: number
  attempts: number
  error: string | null
  code: string | null
}

/** The one place a unit's row is put together from its item, its result and its outcome (if any). */
export function unitRow(
  itemId: number,
  index: number,
  unit: PackedUnit,
  mark: string,
  result: unknown,
  outcome: OutcomeRow | undefined,
): ItemRow {
  const state = stateOfMark(mark)
  return {
    id: itemId * UNIT_SPAN + index,
    key: keyOfUnit(unit),
    size: sizeOfUnit(unit),
    state,
    attempts: outcome?.attempts ?? (state === 'pending' ? 0 : 1),
    error: outcome?.error ?? null,
    result: result ?? (outcome?.code ? { code: outcome.code } : null),
  }
}

/**
 * Every unit of a job as SQL rows `(state, result)`, unpacked from its items in SQLite (`json_each`):
 * what aggregate queries read instead of the items table. One `?` parameter: the job's id.
 */
export const unitStatesAndResultsSql = `SELECT ${stateOf('substr(i.marks, je.key + 1, 1)')} AS state,
    coalesce(i.results -> je.key, CASE WHEN o.code IS NOT NULL THEN json_object('code', o.code) END) AS result
  FROM items i JOIN json_each(i.units) je LEFT JOIN unit_outcomes o ON o.item_id = i.id AND o.unit = je.key
  WHERE i.job_id = ?`

/** What `UnitRows.doneResultsFrom` read. */
export interface DoneResults {
  /** JSON lines, each ended by a line break ('' when none). */
  text: string
  next: number
  more: boolean
}

/**
 * Unit rows for the UI's tables: every unit of a job, filtered by state and text, in id order.
 * SQLite unpacks the items (`json_each`), so a page of a 300,000-unit job never builds 300,000 objects.
 */
export class UnitRows {
  private readonly itemsFrom
  private readonly resultsFrom
  private readonly marksFrom
  private readonly outcomesOf

  constructor(private readonly db: Database.Database) {
    this.itemsFrom = db.prepare(
      'SELECT id, units, marks, results FROM items WHERE job_id = ? AND id >= ? ORDER BY id LIMIT ?',
    )
    // Results alone: a map's 200,000 units' keys are megabytes nobody reads there.
    this.resultsFrom = db.prepare(
      'SELECT id, marks, results FROM items WHERE job_id = ? AND id >= ? ORDER BY id LIMIT ?',
    )
    this.marksFrom = db.prepare('SELECT id, marks FROM items WHERE job_id = ? AND id >= ? ORDER BY id LIMIT ?')
    this.outcomesOf = db.prepare('SELECT unit, attempts, error, code FROM unit_outcomes WHERE item_id = ?')
  }

  /** Every unit's id and state in unit order, read from the items' marks alone (no key or result parsed). */
  *states(jobId: number): Generator<{ id: number; state: ItemState }> {
    const PAGE = 256
    for (let fromItem = 0; ;) {
      const items = this.marksFrom.all(jobId, fromItem, PAGE) as { id: number; marks: string }[]
      for (const { id, marks } of items)
        for (let i = 0; i < marks.length; i++) yield { id: id * UNIT_SPAN + i, state: stateOfMark(marks[i]) }
      if (items.length < PAGE) return
      fromItem = items.at(-1)!.id + 1
    }
  }

  page(
    jobId: number,
    q: { state?: ItemState; text?: string; limit: number; offset: number },
  ): { items: ItemRow[]; total: number } {
    const mark = 'substr(i.marks, je.key + 1, 1)'
    const where = ['i.job_id = @jobId']
    const params: Record<string, unknown> = { jobId, limit: q.limit, offset: q.offset }
    if (q.state) {
      // Items without a unit in that state are passed over before being unpacked.
      where.push(`instr(i.marks, @mark) > 0`, `${mark} = @mark`)
      params.mark = MARK[q.state]
    }
    if (q.text) {
      // A URL job's own columns (`extract`) are searched too: people filter by what they extracted.
      where.push(
        `(${eachUnitKey('je')} LIKE @text ESCAPE '\\' OR o.error LIKE @text ESCAPE '\\' OR i.results -> je.key ->> '$.extracted' LIKE @text ESCAPE '\\')`,
      )
      params.text = likePattern(q.text)
    }
    const from = `FROM items i JOIN json_each(i.units) je LEFT JOIN unit_outcomes o ON o.item_id = i.id AND o.unit = je.key
      WHERE ${where.join(' AND ')}`
    const rows = this.db
      .prepare(
        `SELECT i.id * ${UNIT_SPAN} + je.key AS id, ${eachUnitKey('je')} AS key, ${eachUnitSize('je')} AS size, ${stateOf(mark)} AS state,
           coalesce(o.attempts, CASE ${mark} WHEN '${MARK.pending}' THEN 0 ELSE 1 END) AS attempts, o.error, o.code,
           i.results -> je.key AS result
         ${from} ORDER BY i.id, je.key LIMIT @limit OFFSET @offset`,
      )
      .all(params) as (Omit<ItemRow, 'result'> & { code: string | null; result: string | null })[]
    const total =
      q.state || q.text
        ? (this.db.prepare(`SELECT count(*) AS n ${from}`).get(params) as { n: number }).n
        : (
            this.db.prepare('SELECT coalesce(sum(count), 0) AS n FROM items WHERE job_id = ?').get(jobId) as {
              n: number
            }
          ).n
    const decode = (code: string | null, result: string | null): unknown =>
      result && result !== 'null' ? JSON.parse(result) : code ? { code } : null
    return { items: rows.map(({ code, result, ...row }) => ({ ...row, result: decode(code, result) })), total }
  }

  /**
   * The results of a job's done units in unit order, as JSON lines (a unit without a result: `null`),
   * from item `fromItem` on, at most `limit` items, up to the first item with a unit still pending.
   * With `ended` (the job has ended) that item's done units before its first pending one come too, and
   * nothing after it: an interrupted job's lines stay the first of its list. `next` is the item to go
   * on from; `more`, whether the limit cut the read short.
   */
  doneResultsFrom(jobId: number, fromItem: number, limit: number, ended: boolean): DoneResults {
    const items = this.resultsFrom.all(jobId, fromItem, limit) as {
      id: number
      marks: string
      results: string | null
    }[]
    const parts: string[] = []
    const done = (next: number, more: boolean): DoneResults => ({
      text: parts.length ? `${parts.join('\n')}\n` : '',
      next,
      more,
    })
    let next = fromItem
    for (const { id, marks, results } of items) {
      const pending = marks.indexOf(MARK.pending)
      if (pending >= 0 && !ended) return done(next, false)
      const end = pending >= 0 ? pending : marks.length
      const plain = plainLines(results, marks, end)
      if (plain !== null) parts.push(plain)
      else {
        // A unit without a result (no results at all, or past their end) has `null`.
        const texts = results === null ? [] : jsonElements(results)
        for (let i = 0; i < end; i++) if (marks[i] === MARK.done) parts.push(texts[i] ?? 'null')
      }
      if (pending >= 0) return done(next, false)
      next = id + 1
    }
    return done(next, items.length === limit)
  }

  /** Units by id order after `afterId`: linear however deep it goes (exports read a job this way). */
  after(jobId: number, afterId: number, limit: number): ItemRow[] {
    const rows: ItemRow[] = []
    let fromItem = Math.floor(afterId / UNIT_SPAN)
    for (;;) {
      const items = this.itemsFrom.all(jobId, fromItem, 16) as {
        id: number
        units: string
        marks: string
        results: string | null
      }[]
      for (const item of items) {
        const units = JSON.parse(item.units) as PackedUnit[]
        const results = item.results ? (JSON.parse(item.results) as unknown[]) : []
        const outcomes = new Map((this.outcomesOf.all(item.id) as OutcomeRow[]).map((o) => [o.unit, o]))
        for (let i = Math.max(0, afterId - item.id * UNIT_SPAN + 1); i < units.length; i++) {
          rows.push(unitRow(item.id, i, units[i]!, item.marks[i]!, results[i], outcomes.get(i)))
          // A page ends where it fills: the items past it are read (and parsed) by the next page only.
          if (rows.length === limit) return rows
        }
      }
      if (items.length < 16) return rows
      fromItem = items.at(-1)!.id + 1
    }
  }
}

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * The fast way to a map's lines: when the units before `end` are all done and the results are plain
 * numbers, booleans and nulls (no string, object or array, so no comma inside a value), each value's
 * text is already as `JSON.stringify` writes it (the workers wrote it so): the array's commas become
 * line ends, nothing parsed (in a profile of a 200,000-number map, parsing and re-encoding was the
 * farmer's largest item; `jsonElements` takes 2-3 times as long on 25,000 numbers). Null when the slow
 * way is needed.
 */
function plainLines(results: string | null, marks: string, end: number): string | null {
  if (!results || results.length < 3 || end === 0 || !ALL_DONE.test(marks.slice(0, end))) return null
  let commas = 0
  let endAt = results.length - 1
  for (let i = 1; i < results.length - 1; i++) {
    const c = results.charCodeAt(i)
    if (c === COMMA) {
      if (++commas === end) endAt = i
    } else if (c === QUOTE || c === BRACE || c === BRACKET) return null
  }
  // One value per unit, as the farm writes them; anything else is read the slow way.
  if (commas + 1 !== marks.length || results.charCodeAt(0) !== BRACKET || results.at(-1) !== ']') return null
  return results.slice(1, endAt).replaceAll(',', '\n')
}
const ALL_DONE = new RegExp(`^${MARK.done}+$`)
const [COMMA, QUOTE, BRACE, BRACKET] = [0x2c, 0x22, 0x7b, 0x5b]
