/**
 * Windows command lines, as pure functions (the worker spawns with them, the window previews and
 * parses with them). A Windows program gets one string and splits it itself; nearly every program
 * does it the way `CommandLineToArgvW` and the C runtime do:
 * - outside quotes, spaces and tabs separate arguments; `"` starts or ends a quoted part;
 * - 2n backslashes before a `"` are n backslashes and the `"` is a quote; 2n+1 are n and a literal `"`;
 * - backslashes anywhere else are literal (so `C:\Tools\x.exe` is one argument as typed);
 * - inside quotes `""` is a literal `"` (the C runtime since 2008; `CommandLineToArgvW` agrees).
 * cmd.exe reads the line before the program does: `%NAME%` is expanded, and outside its own quotes
 * `^` escapes the next character and `& | < > ( )` end or redirect the command.
 */

/** Quotes one argument so `CommandLineToArgvW` gives it back unchanged. */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg
  // Backslashes before a quote, and at the end (before the closing quote), are doubled.
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`
}

/** cmd.exe's special characters, escaped with `^` so cmd never sees a quote state of its own. */
const cmdMeta = /([()\][%!^"`<>&|;, *?])/g

/**
 * One argument for a line that cmd.exe reads first (`cmd /d /s /c "…"`, `--shell`): quoted for the
 * program, then every character cmd would act on escaped. `twice` when the line reaches a batch file
 * that hands `%*` on to another program (npm.cmd, code.cmd): cmd reads the arguments twice then.
 */
export function quoteForCmd(arg: string, twice = false): string {
  const once = `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\*)$/, '$1$1')}"`.replace(cmdMeta, '^$1')
  return twice ? once.replace(cmdMeta, '^$1') : once
}

/**
 * The program's own path at the head of a cmd line: in plain quotes, which cmd honours to find the
 * program (Node's advice for `.cmd` files since CVE-2024-27980); argv[0] knows no backslash escapes.
 * A `%NAME%` inside a path would still be expanded: cmd has no escape inside its quotes.
 */
export const escapeCmdCommand = (path: string): string => `"${path}"`

/** Splits a command line the way `CommandLineToArgvW` does (the Run dialog on a Windows farm). */
export function parseWindowsCommandLine(line: string): string[] {
  const words: string[] = []
  let i = 0
  const n = line.length
  const skipBlanks = (): void => {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++
  }
  skipBlanks()
  if (i >= n) return words
  // The program name: up to the next blank, or between quotes; backslashes are never special in it.
  let program = ''
  if (line[i] === '"') {
    i++
    while (i < n && line[i] !== '"') program += line[i++]
    i++
  } else {
    while (i < n && line[i] !== ' ' && line[i] !== '\t') program += line[i++]
  }
  words.push(program)
  for (;;) {
    skipBlanks()
    if (i >= n) return words
    let word = ''
    let quoted = false
    while (i < n && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      if (line[i] === '\\') {
        const from = i
        while (line[i] === '\\') i++
        const count = i - from
        if (line[i] !== '"') word += '\\'.repeat(count)
        else if (count % 2 === 0) word += '\\'.repeat(count / 2)
        else {
          word += `${'\\'.repeat((count - 1) / 2)}"`
          i++
        }
      } else if (line[i] === '"') {
        const doubled = quoted && line[i + 1] === '"'
        if (doubled) word += '"'
        else quoted = !quoted
        i += doubled ? 2 : 1
      } else word += line[i++]
    }
    words.push(word)
  }
}

/** Words as one Windows command line a person can read and paste into a console. */
export const quoteWindowsWords = (words: readonly string[]): string => words.map(quoteWindowsArg).join(' ')

/** Whether a line holds what only cmd.exe acts on (`| & < >` outside quotes): it needs "Run through the shell". */
export function needsCmd(line: string): boolean {
  let quoted = false
  for (const c of line) {
    if (c === '"') quoted = !quoted
    else if (!quoted && '|&<>'.includes(c)) return true
  }
  return false
}
