/**
 * GNU parallel's replacement strings, shared by the worker that runs a command and the window that
 * previews it. Without a shell every argument is substituted on its own, so an input is always one
 * argument, whatever characters it holds; with a shell the words are joined into one line and each
 * input is quoted for that shell.
 */

import { quoteForCmd, quoteWindowsWords } from './windows-command-line'

const REPLACEMENT = /\{(\/\/|\/\.|\/|\.|#|)\}/g

export type ShellFlavour = 'posix' | 'cmd'

/** How one input fills `{}` `{.}` `{/}` `{//}` `{/.}` `{#}`. */
export function replacementFor(token: string, input: string, seq: number, windows = false): string {
  const sepAt = Math.max(input.lastIndexOf('/'), windows ? input.lastIndexOf('\\') : -1)
  const base = sepAt >= 0 ? input.slice(sepAt + 1) : input
  const noExt = (name: string): string => {
    const dot = name.lastIndexOf('.')
    return dot > 0 ? name.slice(0, dot) : name
  }
  switch (token) {
    case '{}':
      return input
    case '{.}':
      return sepAt >= 0 ? input.slice(0, sepAt + 1) + noExt(base) : noExt(input)
    case '{/}':
      return base
    case '{//}':
      return folderOf(input, windows)
    case '{/.}':
      return noExt(base)
    case '{#}':
      return String(seq)
    default:
      return token
  }
}

/**
 * `{//}`: the folder of an input as POSIX `dirname` (and GNU parallel) give it: trailing separators
 * do not count, so `dir/` is in `.` and `a/b/` in `a`; `/x` is in `/`.
 */
function folderOf(input: string, windows: boolean): string {
  const isSep = (c: string | undefined): boolean => c === '/' || (windows && c === '\\')
  let end = input.length
  while (end > 1 && isSep(input[end - 1])) end--
  const path = input.slice(0, end)
  let sepAt = -1
  for (let i = path.length - 1; i >= 0 && sepAt < 0; i--) if (isSep(path[i])) sepAt = i
  if (sepAt < 0) return '.'
  let dirEnd = sepAt
  while (dirEnd > 0 && isSep(path[dirEnd - 1])) dirEnd--
  return dirEnd === 0 ? input[0]! : path.slice(0, dirEnd)
}

export const hasReplacement = (command: readonly string[]): boolean =>
  command.some((word) => new RegExp(REPLACEMENT.source).test(word))

/** The argument array for one input, run without a shell; no replacement string → the input is appended. */
export function argvFor(command: readonly string[], input: string, seq: number, windows = false): string[] {
  if (!hasReplacement(command)) return [...command, input]
  return command.map((word) => word.replace(REPLACEMENT, (token) => replacementFor(token, input, seq, windows)))
}

/** The shell line for one input: the words joined by spaces, each substituted input quoted for the shell. */
export function shellLineFor(command: readonly string[], input: string, seq: number, flavour: ShellFlavour): string {
  const windows = flavour === 'cmd'
  const quote = (text: string): string => quoteForShell(text, flavour)
  if (!hasReplacement(command)) return `${command.join(' ')} ${quote(input)}`
  return command
    .join(' ')
    .replace(REPLACEMENT, (token) =>
      token === '{#}' ? String(seq) : quote(replacementFor(token, input, seq, windows)),
    )
}

/**
 * Quotes a word so the shell passes it on unchanged: single quotes for sh; for cmd.exe, the program's
 * quoting (`CommandLineToArgvW`) with every character cmd acts on escaped by `^`.
 */
export function quoteForShell(text: string, flavour: ShellFlavour): string {
  if (flavour === 'cmd') return quoteForCmd(text)
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** The command line for one input as a person reads it (the preview, the log). */
export function displayLine(
  command: readonly string[],
  input: string,
  seq: number,
  shell: boolean,
  flavour: ShellFlavour = 'posix',
): string {
  if (shell) return shellLineFor(command, input, seq, flavour)
  const argv = argvFor(command, input, seq, flavour === 'cmd')
  return flavour === 'cmd' ? quoteWindowsWords(argv) : quoteWords(argv)
}

/** Words as one line a person can read (and paste into sh): words with spaces or quotes are quoted. */
export function quoteWords(words: readonly string[]): string {
  return words.map((word) => (/^[\w@%+=:,./{}#-]+$/.test(word) ? word : quoteForShell(word, 'posix'))).join(' ')
}
