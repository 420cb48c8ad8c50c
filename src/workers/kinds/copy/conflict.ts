import type { Stats } from 'node:fs'
import { extname } from 'node:path'
import type { ConflictPolicy } from '../../../shared/kinds/copy'

/** Modification times closer than this are the same: times are set through a double, so the last digits wobble. */
const TIME_SLACK_MS = 1

/**
 * How far apart two times may be and still be the same, on a destination that keeps times to
 * `precisionMs` (FAT 2 s, HFS+ 1 s, exFAT 10 ms): its copy's time is the source's, rounded (rsync's
 * --modify-window).
 */
export const timeSlack = (precisionMs = 1): number => Math.max(TIME_SLACK_MS, precisionMs)

export const sameTime = (a: number, b: number, slackMs = TIME_SLACK_MS): boolean => Math.abs(a - b) <= slackMs

/** Whether a destination looks like a finished copy of the source (the quick check rsync uses: size and time). */
export const looksCopied = (source: Stats, destination: Stats, slackMs = TIME_SLACK_MS): boolean =>
  source.size === destination.size && sameTime(source.mtimeMs, destination.mtimeMs, slackMs)

export type ConflictDecision = 'skip' | 'replace' | 'rename'

/** What to do with a source file whose name is already taken at the destination. */
export function decideConflict(
  policy: ConflictPolicy,
  source: Stats,
  destination: Stats,
  slackMs = TIME_SLACK_MS,
): ConflictDecision {
  switch (policy) {
    case 'skip':
      return 'skip'
    case 'overwrite':
      return 'replace'
    case 'newer':
      return source.mtimeMs - destination.mtimeMs > slackMs ? 'replace' : 'skip'
    case 'different':
      return looksCopied(source, destination, slackMs) ? 'skip' : 'replace'
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
