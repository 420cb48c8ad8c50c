import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { JobSpec } from '../shared/job-spec'
import type { LogLevel } from '../shared/job-state'
import { storedSpec } from './store/job-queries'
import type { JobStore } from './store/job-store'
import { unitKeys } from './store/unit-keys'

/** Keys written per `write` call. */
const CHUNK = 512

/**
 * The spec a job's plan is sent with. Inputs taken from another job (`--from`) are read here, when the
 * plan first goes out (so a job set up with `--after` reads what its predecessor left), into
 * `<history folder>/inputs/job-<id>-from-<other>.txt`, one key a line; a plan that goes out again (a
 * resume after a crash) reads the same file, so the job's inputs never change under it. Workers then
 * read a plain input file, locally or on a remote host (which gets its text).
 */
export function planSpec(
  jobId: number,
  spec: JobSpec,
  store: JobStore,
  log: (jobId: number, level: LogLevel, message: string) => void,
): JobSpec {
  if (spec.kind !== 'command' && spec.kind !== 'module' && spec.kind !== 'urls') return spec
  const from = spec.input
  if (from.type !== 'job') return spec
  const path = join(dirname(resolve(store.db.name)), 'inputs', `job-${jobId}-from-${from.jobId}.txt`)
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true })
    const row = store.job(from.jobId)
    if (!row) log(jobId, 'warn', `job ${from.jobId} is not in the history any more: this job has no inputs`)
    const keys = row ? unitKeys(store.db, from.jobId, storedSpec(row), from) : []
    const count = writeLines(`${path}.part`, keys)
    renameSync(`${path}.part`, path)
    log(jobId, 'info', `took ${count} input${count === 1 ? '' : 's'} from job ${from.jobId} (${from.state})`)
  }
  return { ...spec, input: { type: 'file', path } }
}

/** Writes one key a line (keys with a line break cannot be one line of input: left out); returns how many. */
function writeLines(path: string, keys: Iterable<string>): number {
  const fd = openSync(path, 'w')
  let count = 0
  let chunk: string[] = []
  try {
    for (const key of keys) {
      if (key.includes('\n') || key.includes('\r')) continue
      chunk.push(key)
      count++
      if (chunk.length === CHUNK) {
        writeSync(fd, `${chunk.join('\n')}\n`)
        chunk = []
      }
    }
    if (chunk.length) writeSync(fd, `${chunk.join('\n')}\n`)
  } finally {
    closeSync(fd)
  }
  return count
}
