// Zod-free (module workers load it): how a module job's inputs and errors are read.

/** A stack trace is kept up to this many characters. */
export const STACK_LIMIT = 4096

/** How a JSON text starts: a number, a string, an object, an array, true, false or null. */
const JSON_START = /^[-\d"{[tfn]/
/** A JSON integer short enough that `Number` reads it exactly, as `JSON.parse` would (at half the cost). */
const SHORT_INTEGER = /^-?(?:0|[1-9]\d{0,14})$/

/**
 * A line of the input as the function receives it: the JSON value when the line is JSON (`42`,
 * `{"a":1}`, `"text"`), else the text itself.
 */
export function parseInputLine(line: string): unknown {
  const trimmed = line.trim()
  if (SHORT_INTEGER.test(trimmed)) return Number(trimmed)
  // Text that cannot be JSON is passed on without a parse that throws (a throw per line was most of
  // the cost of a map over file names).
  if (!JSON_START.test(trimmed)) return line
  try {
    return JSON.parse(trimmed) as unknown
  } catch {
    return line
  }
}
