import type Database from 'better-sqlite3'
import type { FoundUnit, UnitFilter, UnitOrder, UnitPage } from '../../shared/unit-search'
import { UNIT_SPAN } from '../../shared/worker-protocol'
import { likePattern, MARK, stateOf } from './unit-rows'
import { eachUnitKey, eachUnitSize, jsonUnitKey, jsonUnitSize } from './packed-unit-sql'

export interface UnitPageQuery {
  filter: UnitFilter
  order: UnitOrder
  limit: number
  after?: number
}

type Row = Omit<FoundUnit, 'result'> & { result: string | null }

/**
 * Every unit of every job, searched and paged inside SQLite (docs/architecture.md, "Searching units").
 * Pages are keyset pages on the unit id (`item id * UNIT_SPAN + index`), so page 1,000 costs what page
 * 1 does. Two plans, both walking an index from the cursor and stopping at the page's end:
 * failed units are read from `unit_outcomes` (by its key, or by `unit_failures_by_code` for an error
 * code); every other search walks `items` by id in its jobs' id range and unpacks only items whose
 * marks, results or outcomes can hold a match. Jobs (kind, ids, time) are picked first: a short table.
 */
export class UnitSearch {
  private readonly jobRange
  private readonly allJobs

  constructor(private readonly db: Database.Database) {
    this.jobRange = db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM items WHERE job_id = ?')
    this.allJobs = db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM items')
  }

  page(q: UnitPageQuery): UnitPage {
    const jobs = this.jobsOf(q.filter)
    if (jobs?.length === 0) return { units: [], next: null }
    const range = this.itemRange(jobs)
    if (!range) return { units: [], next: null }
    const { sql, params } = this.plan(q, jobs, range)
    const rows = this.db.prepare(sql).all(params) as Row[]
    const units = rows.map(({ result, ...row }) => ({
      ...row,
      result: result && result !== 'null' ? (JSON.parse(result) as unknown) : row.code ? { code: row.code } : null,
    }))
    return { units, next: units.length === q.limit ? units.at(-1)!.id : null }
  }

  /** Each unit that matches, page by page, up to `cap` of them (exports and actions). */
  *each(filter: UnitFilter, cap = Infinity, order: UnitOrder = 'oldest'): Generator<FoundUnit> {
    let after: number | undefined
    let seen = 0
    for (;;) {
      const page = this.page({ filter, order, limit: 1000, after })
      for (const unit of page.units) {
        if (seen++ >= cap) return
        yield unit
      }
      if (page.next === null) return
      after = page.next
    }
  }

  /** The query plan SQLite chose for a page (tests assert that it walks an index). */
  explain(q: UnitPageQuery): string[] {
    const jobs = this.jobsOf(q.filter)
    const { sql, params } = this.plan(q, jobs, this.itemRange(jobs) ?? { lo: 0, hi: 0 })
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail)
  }

  /** The jobs a filter allows (null: every job). */
  private jobsOf(f: UnitFilter): number[] | null {
    if (!f.kinds?.length && !f.jobIds?.length && f.since === undefined && f.until === undefined) return null
    const where: string[] = []
    const params: Record<string, unknown> = {}
    const add = (clause: string, name: string, value: unknown): void => {
      where.push(clause)
      params[name] = value
    }
    if (f.kinds?.length) add('kind IN (SELECT value FROM json_each(@kinds))', 'kinds', json(f.kinds))
    if (f.jobIds?.length) add('id IN (SELECT value FROM json_each(@ids))', 'ids', json(f.jobIds))
    if (f.since !== undefined) add('coalesce(finished_at, 9e15) >= @since', 'since', f.since)
    if (f.until !== undefined) add('created_at < @until', 'until', f.until)
    const rows = this.db.prepare(`SELECT id FROM jobs WHERE ${where.join(' AND ')}`).all(params) as { id: number }[]
    return rows.map((r) => r.id)
  }

  /** The item ids the chosen jobs span (their ends by `items_by_job`): where the walk starts and stops. */
  private itemRange(jobs: number[] | null): { lo: number; hi: number } | null {
    const ranges = (jobs ? jobs.map((id) => this.jobRange.get(id)) : [this.allJobs.get()]) as {
      lo: number | null
      hi: number | null
    }[]
    const filled = ranges.filter((r): r is { lo: number; hi: number } => r.lo !== null && r.hi !== null)
    if (filled.length === 0) return null
    return { lo: Math.min(...filled.map((r) => r.lo)), hi: Math.max(...filled.map((r) => r.hi)) }
  }

  private plan(
    q: UnitPageQuery,
    jobs: number[] | null,
    range: { lo: number; hi: number },
  ): { sql: string; params: Record<string, unknown> } {
    const f = q.filter
    const desc = q.order === 'newest'
    const dir = desc ? 'DESC' : 'ASC'
    const params: Record<string, unknown> = { lo: range.lo, hi: range.hi, limit: q.limit }
    const failuresOnly = f.states?.length === 1 && f.states[0] === 'failed'
    // Aliases shared by both plans: `it` the item id, `ix` the unit's index in it.
    const it = failuresOnly ? 'o.item_id' : 'i.id'
    const ix = failuresOnly ? 'o.unit' : 'je.key'
    const key = failuresOnly ? jsonUnitKey('i.units -> o.unit') : eachUnitKey('je')
    const size = failuresOnly ? jsonUnitSize('i.units -> o.unit') : eachUnitSize('je')
    const mark = `substr(i.marks, ${ix} + 1, 1)`
    const result = `i.results -> ${ix}`
    const where = [`${it} BETWEEN @lo AND @hi`]
    if (q.after !== undefined) {
      params.afterItem = Math.floor(q.after / UNIT_SPAN)
      params.afterUnit = q.after % UNIT_SPAN
      const [cmp, cmpEq] = desc ? ['<', '<='] : ['>', '>=']
      where.push(`${it} ${cmpEq} @afterItem`, `(${it} ${cmp} @afterItem OR ${ix} ${cmp} @afterUnit)`)
    }
    // The job test must not drive the walk (`+`): the items' id order is the page's order.
    if (jobs) {
      where.push(`+i.job_id IN (SELECT value FROM json_each(@jobs))`)
      params.jobs = json(jobs)
    }
    if (failuresOnly) where.push('o.error IS NOT NULL', `${mark} = '${MARK.failed}'`)
    else if (f.states?.length) {
      const marks = f.states.map((s) => MARK[s])
      where.push(`(${marks.map((m) => `instr(i.marks, '${m}') > 0`).join(' OR ')})`)
      where.push(`${mark} IN (${marks.map((m) => `'${m}'`).join(', ')})`)
    }
    if (f.errors?.length) {
      params.errors = json(f.errors)
      params.code = f.errors[0]
      const codes = '(SELECT value FROM json_each(@errors))'
      // One code keeps the index's order (no sort of every failure with that code).
      if (failuresOnly) where.push(f.errors.length === 1 ? 'o.code = @code' : `o.code IN ${codes}`)
      else {
        // An item is unpacked only when one of its units can carry such a code or error class.
        const inResults = f.errors.map((_, n) => `instr(i.results, @errorClass${n}) > 0`)
        f.errors.forEach((e, n) => (params[`errorClass${n}`] = `"errorClass":${JSON.stringify(e)}`))
        where.push(
          `(${inResults.join(' OR ')} OR EXISTS (SELECT 1 FROM unit_outcomes x WHERE x.item_id = i.id AND x.code IN ${codes}))`,
          `(o.code IN ${codes} OR ${result} ->> 'errorClass' IN ${codes})`,
        )
      }
    }
    if (f.text) {
      params.text = likePattern(f.text)
      where.push(
        `(${key} LIKE @text ESCAPE '\\' OR o.error LIKE @text ESCAPE '\\' OR ${result} LIKE @text ESCAPE '\\')`,
      )
      // Text that JSON keeps as it is (no quote, backslash or control character) is looked for in the
      // packed item first: only items that hold it somewhere are unpacked.
      if (!failuresOnly && ![...f.text].some((c) => c === '"' || c === '\\' || c < ' '))
        where.push(
          `(i.units LIKE @text ESCAPE '\\' OR i.results LIKE @text ESCAPE '\\' OR EXISTS (SELECT 1 FROM unit_outcomes y WHERE y.item_id = i.id AND y.error LIKE @text ESCAPE '\\'))`,
        )
    }
    if (f.host) {
      params.hostPath = likePattern(`://${f.host}/`)
      params.hostPort = likePattern(`://${f.host}:`)
      where.push(`(${key} LIKE @hostPath ESCAPE '\\' OR ${key} LIKE @hostPort ESCAPE '\\')`)
      if (!failuresOnly) where.push(`(i.units LIKE @hostPath ESCAPE '\\' OR i.units LIKE @hostPort ESCAPE '\\')`)
    }
    if (f.worker !== undefined) {
      params.worker = f.worker
      params.workerText = `"worker":${f.worker}`
      where.push(`${result} ->> 'worker' = @worker`)
      if (!failuresOnly) where.push('instr(i.results, @workerText) > 0')
    }
    const from = failuresOnly
      ? `FROM unit_outcomes o ${f.errors?.length ? 'INDEXED BY unit_failures_by_code' : ''} JOIN items i ON i.id = o.item_id`
      : `FROM items i JOIN json_each(i.units) je LEFT JOIN unit_outcomes o ON o.item_id = i.id AND o.unit = je.key`
    const sql = `SELECT ${it} * ${UNIT_SPAN} + ${ix} AS id, i.job_id AS jobId, j.kind, ${key} AS key,
        ${size} AS size, ${stateOf(mark)} AS state,
        coalesce(o.attempts, CASE ${mark} WHEN '${MARK.pending}' THEN 0 ELSE 1 END) AS attempts,
        o.error, o.code, ${result} AS result
      ${from} JOIN jobs j ON j.id = i.job_id
      WHERE ${where.join(' AND ')}
      ORDER BY ${it} ${dir}, ${ix} ${dir} LIMIT @limit`
    return { sql, params }
  }
}

const json = (value: unknown): string => JSON.stringify(value)
