import { describe, expect, it } from 'vitest'
import { parseSpec } from '../../src/core/parse-spec'
import { jobSpecSchema, jobSpecSchemaFor } from '../../src/shared/job-spec'
import { storedSpec } from '../../src/core/store/job-queries'

/**
 * A spec is parsed with its own kind's schema (each kind's is built on first use, so a CLI run that
 * makes one job builds one): it must judge every spec exactly as the union of all kinds does.
 */
const specs: unknown[] = [
  { kind: 'probe', count: 3 },
  { kind: 'probe', count: -1 },
  { kind: 'probe', count: 1, chunk: 0 },
  { kind: 'copy', sources: [], destination: '/tmp/x' },
  { kind: 'copy', sources: ['/a'], destination: '/b', onConflict: 'sometimes' },
  { kind: 'urls', input: { type: 'text', text: 'https://example.org' } },
  { kind: 'urls', input: { type: 'crawl', url: 'nope' } },
  { kind: 'command', command: ['echo', '{}'], input: { type: 'list', values: ['a'] }, jobs: 0 },
  { kind: 'command', command: [' '], input: { type: 'list', values: [] } },
  { kind: 'module', module: '/m.mjs', input: { type: 'job', jobId: 0 } },
  { kind: 'verify', copyJob: 1, destination: '' },
  { kind: 'unknown' },
  { kind: 'toString' },
  { count: 1 },
  null,
  'probe',
]

const judged = (parse: () => unknown): unknown => {
  try {
    return { ok: parse() }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

describe("a spec parsed with its kind's schema", () => {
  it('gets the same result and the same first mistake as with the union of every kind', () => {
    for (const spec of specs) {
      const union = jobSpecSchema.safeParse(spec)
      const own = jobSpecSchemaFor(spec).safeParse(spec)
      expect(own.success, JSON.stringify(spec)).toBe(union.success)
      if (union.success) expect(own.data).toEqual(union.data)
      else expect(own.error!.issues[0]).toEqual(union.error.issues[0])
    }
  })

  it('reads a stored spec with defaults filled in, and refuses a stored spec that is not one', () => {
    expect(storedSpec({ spec: JSON.stringify({ kind: 'probe', count: 2 }) })).toMatchObject({ chunk: 1, failOn: [] })
    expect(judged(() => storedSpec({ spec: JSON.stringify({ kind: 'probe' }) }))).toHaveProperty('error')
    expect(judged(() => parseSpec({ kind: 'copy', sources: [], destination: '/x' }))).toEqual({
      error: 'Give at least one source folder. (sources)',
    })
  })
})
