import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Runs that record when they started and ended (`date +%s%N > DIR/{}.start; …; date +%s%N >
 * DIR/{}.end`), read back to check how many ran at once: overlaps, not durations.
 */
export const stampedCommand = (dir: string, sleepS: number): string =>
  `date +%s%N > ${dir}/{}.start; sleep ${sleepS}; date +%s%N > ${dir}/{}.end`

/** `<dir>/<input>.start` and `.end` hold nanosecond stamps each run wrote: its interval. */
export function intervals(dir: string): { input: string; start: bigint; end: bigint }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.start'))
    .map((name) => name.slice(0, -'.start'.length))
    .filter((input) => existsSync(join(dir, `${input}.end`)))
    .map((input) => ({
      input,
      start: BigInt(readFileSync(join(dir, `${input}.start`), 'utf8').trim()),
      end: BigInt(readFileSync(join(dir, `${input}.end`), 'utf8').trim()),
    }))
}

/** The most intervals open at one instant. */
export function mostAtOnce(runs: { start: bigint; end: bigint }[]): number {
  const edges = runs.flatMap((r) => [
    { at: r.start, d: 1 },
    { at: r.end, d: -1 },
  ])
  edges.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.d - b.d))
  let open = 0
  let most = 0
  for (const e of edges) most = Math.max(most, (open += e.d))
  return most
}
