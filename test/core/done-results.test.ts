import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/core/store/open-database'
import { UnitRows } from '../../src/core/store/unit-rows'
import { tempDir } from '../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterAll(() => dirs.splice(0).forEach((d) => d.remove()))

/** A map job whose items hold these marks and results (JSON text, as the farm writes them). */
function rowsOf(items: { marks: string; results: string | null }[]): UnitRows {
  const d = tempDir()
  dirs.push(d)
  const db = openDatabase(join(d.path, 'history.sqlite'), { readonly: false })
  db.prepare(
    `INSERT INTO jobs (id, kind, title, spec, state, pool, created_at) VALUES (1, 'module', 'm', '{}', 'running', 'cpu', 1)`,
  ).run()
  const insert = db.prepare(
    `INSERT INTO items (job_id, units, count, size, marks, results, state) VALUES (1, ?, ?, 0, ?, ?, 'pending')`,
  )
  for (const { marks, results } of items)
    insert.run(JSON.stringify([...marks].map((_, i) => String(i))), marks.length, marks, results)
  return new UnitRows(db)
}

const lines = ({ text }: { text: string }): string[] => text.split('\n').slice(0, -1)

describe("a map's result lines", () => {
  it('are each done unit’s JSON value, in order, whatever the values hold', () => {
    const rows = rowsOf([
      { marks: 'ddd', results: '[1,-2.5,1e+21]' },
      { marks: 'dfd', results: '[true,null,null]' },
      { marks: 'dd', results: '["a,b",{"x":[1,2]}]' },
      { marks: 'dd', results: '[[3,4],null]' },
      { marks: 'd', results: null },
    ])
    expect(lines(rows.doneResultsFrom(1, 0, 16, false))).toEqual([
      '1',
      '-2.5',
      '1e+21',
      'true',
      'null',
      '"a,b"',
      '{"x":[1,2]}',
      '[3,4]',
      'null',
      'null',
    ])
  })

  it('stop at the first unit still pending; once the job ended, with the done units before it', () => {
    const rows = rowsOf([
      { marks: 'dd', results: '[1,2]' },
      { marks: 'd-d', results: '[3,null,5]' },
      { marks: 'd', results: '[6]' },
    ])
    expect(rows.doneResultsFrom(1, 0, 16, false)).toMatchObject({ text: '1\n2\n', more: false })
    expect(lines(rows.doneResultsFrom(1, 0, 16, true))).toEqual(['1', '2', '3'])
    // Past a pending unit, plain numbers too stop where it is.
    const plain = rowsOf([{ marks: 'dd-d', results: '[1,2,null,4]' }])
    expect(plain.doneResultsFrom(1, 0, 16, true).text).toBe('1\n2\n')
    expect(plain.doneResultsFrom(1, 0, 16, false).text).toBe('')
  })
})
