import { lstatSync, readdirSync } from 'node:fs'
import { basename, join } from 'node:path'

/** Times closer than this are the same (they are set through a double; see src/workers/kinds/copy/conflict.ts). */
const SLACK_MS = 1

/**
 * Where a copy differs from its source: a missing entry, a file's size, mode or time, a folder's time
 * or mode. Empty when the copy is exact. `destination` is the job's destination (the source's folder
 * goes inside it under its own name).
 */
export function copyDifferences(source: string, destination: string): string[] {
  const found: string[] = []
  const compare = (src: string, dst: string, rel: string): void => {
    const a = lstatSync(src)
    const b = lstatSync(dst, { throwIfNoEntry: false })
    if (!b) return void found.push(`${rel}: missing`)
    if (a.isDirectory()) {
      for (const name of readdirSync(src)) compare(join(src, name), join(dst, name), `${rel}/${name}`)
    } else if (a.size !== b.size) found.push(`${rel}: ${b.size} bytes, the source has ${a.size}`)
    if ((a.mode & 0o7777) !== (b.mode & 0o7777))
      found.push(`${rel}: mode ${(b.mode & 0o7777).toString(8)}, the source's is ${(a.mode & 0o7777).toString(8)}`)
    if (Math.abs(a.mtimeMs - b.mtimeMs) > SLACK_MS)
      found.push(
        `${rel}${a.isDirectory() ? '/' : ''}: time ${new Date(b.mtimeMs).toISOString()}, the source's is ${new Date(a.mtimeMs).toISOString()}`,
      )
  }
  compare(source, join(destination, basename(source)), basename(source))
  return found
}
