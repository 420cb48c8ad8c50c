import { constants } from 'node:fs'
import { access, realpath, stat } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import type { CopySpec } from '../../shared/kinds/copy'
import type { KindHooks } from './kind-hooks'

/**
 * Cheap refusals, a few `stat` calls each: everything that needs a walk (free space, conflicts, names
 * the destination cannot hold) is found by the plan in a worker.
 */
export const copyHooks: KindHooks<CopySpec> = {
  async check(spec) {
    const problems: string[] = []
    const destination = resolve(spec.destination)
    const realSources: string[] = []
    const names = new Map<string, string>()
    for (const given of spec.sources) {
      const source = resolve(given)
      const info = await stat(source).catch((error: NodeJS.ErrnoException) => error)
      if (info instanceof Error) {
        problems.push(
          info.code === 'ENOENT'
            ? `The source folder ${source} does not exist.`
            : `The source folder ${source} cannot be reached (${info.code ?? info.message}).`,
        )
        continue
      }
      if (!info.isDirectory()) {
        problems.push(`The source ${source} is not a folder.`)
        continue
      }
      if (!(await allowed(source, constants.R_OK | constants.X_OK))) {
        problems.push(`The source folder ${source} cannot be read (permission denied).`)
        continue
      }
      const name = basename(source)
      const other = names.get(name)
      if (other)
        problems.push(
          `The sources ${other} and ${source} have the same name "${name}"; they would be copied onto each other.`,
        )
      names.set(name, source)
      realSources.push(await realpath(source))
    }

    const existing = await nearestExisting(destination)
    const destInfo = await stat(existing)
    if (!destInfo.isDirectory()) {
      problems.push(
        existing === destination
          ? `The destination ${destination} is a file, not a folder.`
          : `The destination cannot be made: ${existing} is a file, not a folder.`,
      )
      return problems
    }
    // Compare real paths (links resolved) so a destination reached through a link is caught too.
    const realDestination = join(await realpath(existing), relative(existing, destination))
    for (const source of realSources) {
      if (isSameOrInside(realDestination, source)) {
        problems.push(`The destination ${destination} is inside the source ${source}; the copy would copy itself.`)
      } else if (realDestination === dirname(source)) {
        // Copying a folder into its own parent would write the folder onto itself.
        problems.push(
          `The destination ${destination} is the folder that already holds ${source}; the copy would land on itself.`,
        )
      }
    }
    if (!(await allowed(existing, constants.W_OK | constants.X_OK))) {
      problems.push(`The destination ${existing} is not writable (permission denied).`)
    }
    return problems
  },
  exportRows: {
    columns: ['path', 'state', 'attempts', 'bytes', 'outcome', 'renamed_to', 'xxh128', 'error'],
    row: (item) => {
      const result = (item.result ?? {}) as { outcome?: string; renamedTo?: string; xxh128?: string }
      return {
        path: item.key,
        state: item.state,
        attempts: item.attempts,
        bytes: item.size,
        outcome: result.outcome ?? (item.state === 'done' ? 'copied' : null),
        renamed_to: result.renamedTo ?? null,
        xxh128: result.xxh128 ?? null,
        error: item.error,
      }
    },
  },
}

async function allowed(path: string, mode: number): Promise<boolean> {
  return access(path, mode).then(
    () => true,
    () => false,
  )
}

/** The destination, or its nearest ancestor that exists (the folders between are made by the copy). */
async function nearestExisting(path: string): Promise<string> {
  let dir = path
  for (;;) {
    const found = await stat(dir).then(
      () => true,
      () => false,
    )
    if (found || dirname(dir) === dir) return dir
    dir = dirname(dir)
  }
}

function isSameOrInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep)
}
