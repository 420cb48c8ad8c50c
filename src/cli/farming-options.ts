import { InvalidArgumentError } from 'commander'

const units: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }

/** GNU parallel's sizes: `512M`, `1.5G`, `100k`, `1GiB`, or bytes; K, M, G and T are powers of 1024. */
export function byteSize(name: string): (value: string) => number {
  return (value) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(value)
    const factor = match ? units[match[2]!.toLowerCase()] : undefined
    if (!match || factor === undefined)
      throw new InvalidArgumentError(`${name} must be a size such as 512M, 1.5G or 2000000 (bytes).`)
    return Math.round(Number(match[1]) * factor)
  }
}

/** `--memfree SIZE`, the option every job command shares (spread into `.option(...)`). */
export const memfreeOption = [
  '--memfree <size>',
  'start no unit while less memory than this is free (e.g. 2G); below half of it, a copy, probe or URL unit is stopped and queued again',
  byteSize('--memfree'),
] as const

/** The job's options with the farming options given on the command line. */
export function withFarming<O extends object>(options: O, o: { memfree?: number }): O & { memfree?: number } {
  return o.memfree === undefined ? options : { ...options, memfree: o.memfree }
}
