import { InvalidArgumentError } from 'commander'

/** Commander parsers that turn bad option values into one clear line (exit 2). */
export function positiveInt(name: string, max = 1_000_000): (value: string) => number {
  return (value) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`)
    return n
  }
}

export function nonNegativeInt(name: string, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0 || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 0 to ${max}.`)
    return n
  }
}

export function jobId(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`"${value}" is not a job id (a whole number such as 12).`)
  return n
}

/** For repeatable options: `--include a --include b`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

export function numberList(name: string): (value: string, previous?: number[]) => number[] {
  return (value, previous = []) => [...previous, ...value.split(',').map((part) => nonNegativeInt(name)(part.trim()))]
}

export function oneOf<T extends string>(name: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    if ((values as readonly string[]).includes(value)) return value as T
    throw new InvalidArgumentError(`${name} must be one of: ${values.join(', ')} (not "${value}").`)
  }
}

export function integer(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`)
    return n
  }
}

/** Seconds from 0 (a wait), up to `max`. */
export function nonNegativeSeconds(name: string, max = 24 * 3600): (value: string) => number {
  return (value) => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > max)
      throw new InvalidArgumentError(`${name} must be a number of seconds from 0 to ${max}.`)
    return n
  }
}
