import { readdirSync, rmSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import type { CopySpec } from '../../../shared/kinds/copy'
import { isTempName } from './names'

/** Removes this job's temporary files under each of its destination folders; returns how many. */
export function removeTempFiles(spec: CopySpec, jobId: number, signal: AbortSignal): number {
  let removed = 0
  const stack = spec.sources.map((source) => join(resolve(spec.destination), basename(resolve(source))))
  while (stack.length && !signal.aborted) {
    const dir = stack.pop()!
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      continue // not there (nothing was copied yet) or not readable: nothing of ours to find
    }
    for (const entry of entries) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) stack.push(path)
      else if (isTempName(entry.name, jobId)) {
        rmSync(path, { force: true })
        removed++
      }
    }
  }
  return removed
}
