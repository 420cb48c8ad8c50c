/** What commands print: lines, JSON, and aligned tables (the last column is never padded). */
export function print(text: string): void {
  process.stdout.write(`${text}\n`)
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/** One line for people, or the value as JSON with `--json`. */
export function report(json: boolean | undefined, text: string, value: unknown): void {
  if (json) printJson(value)
  else print(text)
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (c === r.length - 1 ? 0 : (r[c] ?? '').length))))
  return rows
    .map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '))
    .join('\n')
}
