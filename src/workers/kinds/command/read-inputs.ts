import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { resolve } from 'node:path'
import { glob } from 'tinyglobby'
import type { JobInput } from '../../../shared/kinds/command'
import { UserError } from '../../../shared/user-error'

/**
 * A command or module job's inputs in order, read here in the worker (a list file may be large).
 * Lines of a file are taken whole (trailing `\r` dropped); empty lines are skipped, like GNU parallel's
 * `--no-run-if-empty`.
 */
export async function* readInputs(input: JobInput, signal: AbortSignal): AsyncGenerator<string> {
  switch (input.type) {
    case 'list':
      yield* input.values
      return
    case 'file': {
      const lines = createInterface({ input: createReadStream(input.path), crlfDelay: Infinity })
      try {
        for await (const line of lines) {
          if (signal.aborted) return
          if (line !== '') yield line
        }
      } catch (error) {
        throw new UserError(
          `The input file ${input.path} cannot be read: ${(error as Error).message}`,
          'input-unreadable',
        )
      } finally {
        lines.close()
      }
      return
    }
    case 'files': {
      const dir = resolve(input.dir)
      const info = await stat(dir).catch(() => null)
      if (!info?.isDirectory()) throw new UserError(`The folder ${dir} does not exist.`, 'input-unreadable')
      // A pattern without a slash matches a name in any folder, as copy's include/exclude do.
      const pattern = input.glob.includes('/') ? input.glob : `**/${input.glob}`
      const found = await glob(pattern, {
        cwd: dir,
        absolute: true,
        onlyFiles: true,
        dot: false,
        followSymbolicLinks: false,
      })
      found.sort()
      yield* found
      return
    }
  }
}
