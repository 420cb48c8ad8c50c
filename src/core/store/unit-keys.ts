import type Database from 'better-sqlite3'
import { join } from 'node:path'
import type { JobSpec } from '../../shared/job-spec'
import type { FromJobState } from '../../shared/kinds/from-job'
import { likePattern, MARK } from './unit-rows'
import { eachUnitKey, eachUnitPayloadField } from './packed-unit-sql'

export interface UnitKeyFilter {
  state: FromJobState
  /** Only keys that contain this text. */
  where?: string
}

/**
 * The keys of one job's units, in plan order, as inputs of another job (`--from`): a URL (urls), an
 * input (run, map), a step (probe); for a copy, the destination path of each file or link it copied
 * (folders left out; a copy renamed to keep both is given by its new name). A URL whose row has an
 * error class (it timed out, answered 404…) counts as failed. Unpacked in SQLite
 * (`json_each`) and read row by row, so a big job's keys never sit in memory at once.
 */
export function* unitKeys(
  db: Database.Database,
  jobId: number,
  spec: JobSpec,
  filter: UnitKeyFilter,
): Generator<string> {
  const where = ['i.job_id = @jobId']
  const params: Record<string, unknown> = { jobId }
  const mark = 'substr(i.marks, je.key + 1, 1)'
  if (spec.kind === 'urls' && filter.state !== 'all') {
    // A URL that answered with an error (a timeout, a 404…) is a done unit whose row says so: for a
    // re-check it counts as failed.
    const answeredBadly = `(i.results -> je.key ->> '$.errorClass') IS NOT NULL`
    where.push(
      filter.state === 'failed'
        ? `(${mark} = '${MARK.failed}' OR (${mark} = '${MARK.done}' AND ${answeredBadly}))`
        : `${mark} = '${MARK.done}' AND NOT ${answeredBadly}`,
    )
  } else if (filter.state !== 'all') {
    // Items without a unit in that state are passed over before being unpacked.
    where.push('instr(i.marks, @mark) > 0', `${mark} = @mark`)
    params.mark = MARK[filter.state]
  }
  if (filter.where) {
    where.push(`${eachUnitKey('je')} LIKE @text ESCAPE '\\'`)
    params.text = likePattern(filter.where)
  }
  const rows = db
    .prepare(
      `SELECT ${eachUnitKey('je')} AS key, ${eachUnitPayloadField('je', 'type')} AS type, i.results -> je.key ->> '$.renamedTo' AS renamed
       FROM items i JOIN json_each(i.units) je WHERE ${where.join(' AND ')} ORDER BY i.id, je.key`,
    )
    .iterate(params) as IterableIterator<{ key: string; type: string | null; renamed: string | null }>
  for (const row of rows) {
    if (spec.kind !== 'copy') {
      yield row.key
      continue
    }
    if (row.type === 'folder' || row.type === 'walk' || row.key.endsWith('/')) continue
    const path = join(spec.destination, row.key)
    yield row.renamed ? join(path, '..', row.renamed) : path
  }
}
