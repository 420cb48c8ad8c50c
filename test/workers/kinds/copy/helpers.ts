import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { copySpecSchema, type CopySpec } from '../../../../src/shared/kinds/copy'
import type { PlannedItem, PlanSummary, WorkItem } from '../../../../src/shared/worker-protocol'
import { keysAsItems } from '../keys-as-items'
import { copyHandler } from '../../../../src/workers/kinds/copy'
import { afterAll } from 'vitest'

export interface Outcome {
  summary: PlanSummary | undefined
  items: WorkItem[]
  done: Map<string, unknown>
  failed: Map<string, { error: string; code?: string; retryable: boolean }>
}

// Every folder made here is removed after the test file, also when a test only removed a folder
// inside it (`join(tempDir(), 'src')` is the usual shape).
const made: string[] = []
afterAll(() => removeAll(...made.splice(0)))

export function tempDir(prefix = 'tf-copy-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

export function copySpec(input: Partial<Omit<CopySpec, 'kind'>> & Pick<CopySpec, 'sources' | 'destination'>): CopySpec {
  return copySpecSchema.parse({ kind: 'copy', ...input })
}

const base = (jobId: number) => ({ jobId, signal: new AbortController().signal, log: () => {} })

/** Plans a job with a fake context, as the worker runtime would, and returns its items. */
export async function plan(
  spec: CopySpec,
  jobId = 7,
): Promise<{ summary: PlanSummary | undefined; items: WorkItem[] }> {
  const items: WorkItem[] = []
  const emit = (item: PlannedItem): number => items.push({ id: items.length + 1, attempt: 1, ...item })
  const summary = await copyHandler.plan(spec, { ...base(jobId), emit, emitKeys: keysAsItems(emit) })
  return { summary: summary ?? undefined, items }
}

/** Runs items in batches, in order, as one worker would. */
export async function run(
  spec: CopySpec,
  items: WorkItem[],
  jobId = 7,
  batch = 256,
): Promise<Omit<Outcome, 'summary' | 'items'>> {
  const done = new Map<string, unknown>()
  const failed: Outcome['failed'] = new Map()
  const keyOf = new Map(items.map((i) => [i.id, i.key]))
  for (let i = 0; i < items.length; i += batch) {
    await copyHandler.run(spec, items.slice(i, i + batch), {
      ...base(jobId),
      done: (id, result) => done.set(keyOf.get(id)!, result),
      failed: (id, error, options) =>
        failed.set(keyOf.get(id)!, { error, code: options?.code, retryable: options?.retryable ?? true }),
      progress: () => {},
    })
  }
  return { done, failed }
}

export async function planAndRun(spec: CopySpec, jobId = 7): Promise<Outcome> {
  const planned = await plan(spec, jobId)
  return { ...planned, ...(await run(spec, planned.items, jobId)) }
}

/** Every entry below `dir` with what a faithful copy keeps: type, content, mode, time, link target. */
export function describeTree(dir: string, options: { times?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (path: string, rel: string): void => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name)
      const key = rel ? `${rel}/${name}` : name
      const stat = lstatSync(full)
      const time = options.times === false ? '' : ` t=${Math.round(stat.mtimeMs)}`
      const mode = ` m=${(stat.mode & 0o7777).toString(8)}`
      if (stat.isSymbolicLink()) out[key] = `link → ${readlinkSync(full)}`
      else if (stat.isDirectory()) {
        out[`${key}/`] = `dir${mode}${time}`
        walk(full, key)
      } else out[key] = `file ${readFileSync(full).toString('base64')}${mode}${time}`
    }
  }
  walk(dir, '')
  return out
}

export function removeAll(...dirs: string[]): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}
