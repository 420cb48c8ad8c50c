import type { Stats } from 'node:fs'
import { extname } from 'node:path'
import type { ConflictPolicy } from '../../../shared/kinds/copy'

/** Modification times closer than this are the same: times are set through a double, so the last digits wobble. */
const TIME_SLACK_MS = 1

export const sameTime = (a: number, b: number): boolean => Math.abs(a - b) <= TIME_SLACK_MS

/** Whether a destination looks like a finished copy of the source (the quick check rsync uses: size and time). */
export const looksCopied = (source: Stats, destination: Stats): boolean =>
  source.size === destination.size && sameTime(source.mtimeMs, destination.mtimeMs)

export type ConflictDecision = 'skip' | 'replace' | 'rename'

/** What to do with a source file whose name is already taken at the destination. */
export function decideConflict(policy: ConflictPolicy, source: Stats, destination: Stats): ConflictDecision {
  switch (policy) {
    case 'skip':
      return 'skip'
    case 'overwrite':
      return 'replace'
    case 'newer':
      return source.mtimeMs - destination.mtimeMs > TIME_SLACK_MS ? 'replace' : 'skip'
    case 'different':
      return looksCopied(source, destination) ? 'skip' : 'replace'
    case 'rename':
      return 'rename'
  }
}

/** The first "name (n).ext" that is taken neither at the destination nor by another source entry. */
export function keepBothName(name: string, taken: (candidate: string) => boolean): string {
  const ext = name.startsWith('.') && extname(name) === name ? '' : extname(name)
  const stem = ext ? name.slice(0, -ext.length) : name
  for (let n = 1; ; n++) {
    const candidate = `${stem} (${n})${ext}`
    if (!taken(candidate)) return candidate
  }
}
