import type Database from 'better-sqlite3'
import type { CommandResult } from '../shared/kinds/command'
import type { UrlResult } from '../shared/kinds/urls'
import { diffFields, type DiffRow, type FieldChange, type JobDiff } from '../shared/job-diff'
import { kindTraits, type JobKind } from '../shared/job-spec'
import { UserError } from '../shared/user-error'
import { copyFiles, jobUnits, type UnitFacts } from './store/diff-units'

type Fields = Record<string, string | null>

/** Long outputs are compared whole and shown cut to this many characters. */
const SHOWN_CHARS = 300

/**
 * What changed between two jobs of one kind, unit by unit (matched by key): URLs by status, redirect
 * target and on-page facts; a copy's files by size, time and hash; commands and modules by exit code
 * and output. Read from the history only, so it answers for jobs of any age.
 */
export function diffJobs(db: Database.Database, given: number | undefined, b: number, limit: number): JobDiff {
  const jobB = jobRow(db, b)
  const a = given ?? previousRun(db, b)
  const jobA = jobRow(db, a)
  if (jobA.kind !== jobB.kind) {
    throw new UserError(
      `Job ${a} is "${label(jobA.kind)}" and job ${b} is "${label(jobB.kind)}": only two jobs of one kind can be compared.`,
      'different-kinds',
    )
  }
  const kind = jobA.kind
  const before = factsOf(db, kind, a)
  const after = factsOf(db, kind, b)
  const fields = diffFields[kind] ?? ['state', 'result', 'error']
  const counts = { new: 0, gone: 0, changed: 0, same: 0 }
  const rows: DiffRow[] = []
  const add = (row: DiffRow): void => {
    counts[row.change]++
    if (rows.length < limit) rows.push(row)
  }
  for (const [key, now] of after) {
    const then = before.get(key)
    if (!then) {
      add({ key, change: 'new', fields: [] })
      continue
    }
    const changed: FieldChange[] = []
    for (const field of fields) {
      const x = then[field] ?? null
      const y = now[field] ?? null
      // A hash one run did not keep says nothing about the file.
      if (field === 'xxh128' && (x === null || y === null)) continue
      if (x !== y) changed.push({ field, before: shown(x), after: shown(y) })
    }
    if (changed.length) add({ key, change: 'changed', fields: changed })
    else counts.same++
  }
  for (const key of before.keys()) if (!after.has(key)) add({ key, change: 'gone', fields: [] })
  return { a, b, kind, counts, rows, notes: notesFor(db, kind, a, b) }
}

function jobRow(db: Database.Database, id: number): { kind: string; facts: string } {
  const row = db.prepare('SELECT kind, facts FROM jobs WHERE id = ?').get(id) as
    { kind: string; facts: string } | undefined
  if (!row) throw new UserError(`There is no job ${id}.`, 'no-such-job')
  return row
}

/** The last job before `b` with the very same spec: what "since the last run" compares with. */
function previousRun(db: Database.Database, b: number): number {
  const row = db
    .prepare(
      'SELECT p.id FROM jobs j JOIN jobs p ON p.kind = j.kind AND p.spec = j.spec AND p.id < j.id WHERE j.id = ? ORDER BY p.id DESC LIMIT 1',
    )
    .get(b) as { id: number } | undefined
  if (!row)
    throw new UserError(
      `Job ${b} has no earlier run of the same spec to compare with: name both jobs.`,
      'no-earlier-run',
    )
  return row.id
}

const label = (kind: string): string => kindTraits[kind as JobKind]?.label ?? kind

function shown(value: string | null): string | null {
  return value !== null && value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value
}

/** Each unit's comparable fields by key; a key met again (the same input twice) gets ` #2`, ` #3`. */
function factsOf(db: Database.Database, kind: string, jobId: number): Map<string, Fields> {
  const byKey = new Map<string, Fields>()
  const put = (key: string, fields: Fields): void => {
    let unique = key
    for (let n = 2; byKey.has(unique); n++) unique = `${key} #${n}`
    byKey.set(unique, fields)
  }
  if (kind === 'copy') {
    for (const file of copyFiles(db, jobId))
      put(file.path, {
        size: String(file.size),
        mtime: file.mtime === null ? null : new Date(file.mtime).toISOString(),
        xxh128: file.xxh128,
      })
    return byKey
  }
  const readers: Record<string, (unit: UnitFacts) => Fields> = {
    urls: urlFields,
    command: commandFields,
    module: moduleFields,
    probe: probeFields,
  }
  const read = readers[kind] ?? anyFields
  for (const unit of jobUnits(db, jobId)) put(unit.key, read(unit))
  return byKey
}

function urlFields(unit: UnitFacts): Fields {
  const r = unit.result as Partial<UrlResult> | null
  if (!r || r.url === undefined) return { error: unit.error ?? unit.state }
  const text = (value: string | null | undefined): string | null => value ?? null
  return {
    status: r.status === null || r.status === undefined ? null : String(r.status),
    redirect: r.redirects?.length ? text(r.finalUrl) : null,
    title: text(r.title),
    description: text(r.metaDescription),
    canonical: text(r.canonical),
    h1: text(r.h1),
    words: String(r.wordCount ?? 0),
    error: text(r.errorClass),
  }
}

function commandFields(unit: UnitFacts): Fields {
  const r = unit.result as Partial<CommandResult> | null
  const exit = r?.exitCode ?? /^exit code (\d+)/.exec(unit.error ?? '')?.[1] ?? null
  return {
    state: unit.state,
    exit: exit === null ? null : String(exit),
    stdout: r?.stdout ?? null,
    stderr: r?.stderr ?? null,
    error: unit.error ? unit.error.split('\n')[0]! : null,
  }
}

function moduleFields(unit: UnitFacts): Fields {
  return {
    state: unit.state,
    output: unit.state === 'done' ? JSON.stringify(unit.result) : null,
    error: unit.error ? unit.error.split('\n')[0]! : null,
  }
}

/** A probe's result without the worker's pid, which differs on every run. */
function probeFields(unit: UnitFacts): Fields {
  const { pid: _pid, ...result } = (unit.result ?? {}) as { pid?: number }
  return anyFields({ ...unit, result: unit.result === null ? null : result })
}

function anyFields(unit: UnitFacts): Fields {
  return { state: unit.state, result: unit.result === null ? null : JSON.stringify(unit.result), error: unit.error }
}

function notesFor(db: Database.Database, kind: string, a: number, b: number): string[] {
  if (kind !== 'copy') return []
  const notes: string[] = []
  for (const id of [a, b]) {
    const facts = JSON.parse(jobRow(db, id).facts) as { skipped?: number }
    if (facts.skipped)
      notes.push(`Job ${id} skipped ${facts.skipped} files already at its destination: they are not compared.`)
  }
  return notes
}
