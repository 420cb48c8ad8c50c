// Zod-free (module workers load it): how a module job's inputs and errors are read.

/** A stack trace is kept up to this many characters. */
export const STACK_LIMIT = 4096

/**
 * A line of the input as the function receives it: the JSON value when the line is JSON (`42`,
 * `{"a":1}`, `"text"`), else the text itself.
 */
export function parseInputLine(line: string): unknown {
  const trimmed = line.trim()
  if (trimmed === '') return line
  try {
    return JSON.parse(trimmed) as unknown
  } catch {
    return line
  }
}
