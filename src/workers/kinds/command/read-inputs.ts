import { open, readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { TextDecoder } from 'node:util'
import type { JobInput } from '../../../shared/kinds/command'
import { UserError } from '../../../shared/user-error'
import { sleep } from '../../abortable-sleep'
import { bomOf, openTextFile } from './text-file'

/**
 * A command or module job's inputs in order, read here in the worker (a list file may be large), in
 * batches: a promise per input cost more than a `map` of a quick function over 200,000 of them.
 * Lines of a file are taken whole (`\n`, `\r\n` or `\r` ends one); blank lines (empty or only white
 * space) are skipped, as GNU parallel's `-r` (`--no-run-if-empty`) does: a stray blank line never runs
 * the command with an empty argument. A list (`::: a '' b`) is taken as given, empty words included,
 * as parallel does.
 */
export async function* readInputs(input: JobInput, signal: AbortSignal): AsyncGenerator<string[]> {
  switch (input.type) {
    case 'list':
      yield input.values
      return
    case 'job':
      // The farm reads another job's units into a file before the plan goes out (from-job-inputs.ts).
      throw new Error('inputs from a job reached a worker unread')
    case 'file': {
      if (input.growing) {
        yield* followLines(input.path, signal)
        return
      }
      // PowerShell 5's `>` writes UTF-16LE, Notepad a UTF-8 BOM: decoded by the BOM, which is no input.
      const text = await openTextFile(input.path).catch((error: Error) => {
        throw new UserError(`The input file ${input.path} cannot be read: ${error.message}`, 'input-unreadable')
      })
      let rest = ''
      try {
        for await (const chunk of text) {
          if (signal.aborted) return
          const lines = splitLines(rest + String(chunk))
          rest = lines.pop()!
          yield lines.filter(isFilled)
        }
      } catch (error) {
        throw new UserError(
          `The input file ${input.path} cannot be read: ${(error as Error).message}`,
          'input-unreadable',
        )
      }
      // A `\r\n` cut between two chunks ends a line at the `\r`: the blank line it leaves is skipped.
      if (isFilled(rest)) yield [rest]
      return
    }
    case 'files': {
      const dir = resolve(input.dir)
      const info = await stat(dir).catch(() => null)
      if (!info?.isDirectory()) throw new UserError(`The folder ${dir} does not exist.`, 'input-unreadable')
      // A pattern without a slash matches a name in any folder, as copy's include/exclude do.
      const pattern = input.glob.includes('/') ? input.glob : `**/${input.glob}`
      // Loaded for `--files` alone: a list or a file of inputs never needs it.
      const { glob } = await import('tinyglobby')
      const found = await glob(pattern, {
        cwd: dir,
        absolute: true,
        onlyFiles: true,
        dot: false,
        followSymbolicLinks: false,
      })
      found.sort()
      yield found
      return
    }
  }
}

/** What ends a line, as readline says it: `\r\n`, `\n`, or a `\r` alone. */
const LINE_END = /\r\n|\n|\r/
/** Lines of a text; a text without `\r` (most) is split by the plain string, several times faster. */
const splitLines = (text: string): string[] => (text.includes('\r') ? text.split(LINE_END) : text.split('\n'))
const NOT_SPACE = /\S/
/**
 * Not blank: something besides white space (what `trim` removes). A line that starts with a visible
 * ASCII character (most) is known filled without the regular expression.
 */
const isFilled = (line: string): boolean => {
  const first = line.charCodeAt(0)
  return (first > 32 && first < 127) || NOT_SPACE.test(line)
}

/** How often a followed file is looked at again once its reader has caught up with its writer. */
const FOLLOW_MS = 30

/** Lines of a file another process is still appending to (`tail -f` until the writer is gone). */
async function* followLines(path: string, signal: AbortSignal): AsyncGenerator<string[]> {
  const file = await open(path, 'r').catch((error: Error) => {
    throw new UserError(`The input file ${path} cannot be read: ${error.message}`, 'input-unreadable')
  })
  try {
    const buffer = Buffer.alloc(64 * 1024)
    let rest = ''
    // Chosen by the first bytes' BOM (left out of the text); it also keeps a character cut between reads whole.
    let decoder: TextDecoder | null = null
    for (;;) {
      if (signal.aborted) return
      const writing = await writerAlive(path)
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null)
      if (bytesRead > 0) {
        decoder ??= new TextDecoder(bomOf(buffer.subarray(0, bytesRead)).encoding.replace('utf16', 'utf-16'))
        const lines = (rest + decoder.decode(buffer.subarray(0, bytesRead), { stream: true })).split('\n')
        rest = lines.pop()!
        yield lines.filter(isFilled).map((line) => line.replace(/\r$/, ''))
      } else if (writing) await sleep(FOLLOW_MS, signal)
      else break
    }
    if (isFilled(rest)) yield [rest.replace(/\r$/, '')]
  } finally {
    await file.close()
  }
}

/** Whether `<path>.writing` names a process that is still alive (a writer killed with -9 is not). */
async function writerAlive(path: string): Promise<boolean> {
  const pid = Number(await readFile(`${path}.writing`, 'utf8').catch(() => ''))
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
