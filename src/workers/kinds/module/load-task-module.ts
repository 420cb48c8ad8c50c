import { createHash } from 'node:crypto'
import { chmod, lstat, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { privateFolderProblem, userRuntimeFolder } from '../../../shared/private-paths'
import { UserError } from '../../../shared/user-error'

/** What a module job calls per input. */
export type TaskFunction = (input: unknown, context: TaskFunctionContext) => unknown

export interface TaskFunctionContext {
  /** Aborted when the job is cancelled or the farm stops. */
  signal: AbortSignal
  /** Into the job's log. */
  log(...values: unknown[]): void
  /** How far this input is, from 0 to 1. */
  progress(fraction: number): void
}

/**
 * Where to import a module from. Reading the file (here: its path and version) is apart from loading
 * it, so a remote worker can be shipped the source, write it to a file of its own and load that.
 * The version (size and mtime) makes an edited module load anew in a long-lived worker.
 */
export async function moduleUrlFor(path: string): Promise<string> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(
      error.code === 'ENOENT'
        ? `The module ${path} does not exist.`
        : `The module ${path} cannot be read: ${error.message}`,
      'module-load',
    )
  })
  const url = pathToFileURL(path)
  url.searchParams.set('v', `${info.size}-${info.mtimeMs}`)
  return url.href
}

/**
 * A module that arrived as source (shipped with a batch to another machine): written once under a
 * folder named by its content hash, keeping its file name (and so `.ts`), and loaded from there. Its
 * relative imports do not travel with it. The folder is this user's own (0700, owner checked): in a
 * folder another user could write, they could plant a module that this worker then imports.
 */
export async function moduleUrlForSource(
  source: string,
  fileName: string,
  privateRoot = userRuntimeFolder({
    platform: process.platform,
    env: process.env,
    tmp: tmpdir(),
    uid: process.getuid?.(),
  }),
): Promise<string> {
  await ensurePrivateFolder(privateRoot)
  const folder = join(privateRoot, 'modules', createHash('sha256').update(source).digest('hex').slice(0, 24))
  const path = join(folder, basename(fileName))
  await mkdir(folder, { recursive: true, mode: 0o700 })
  // A file already there is used only when it holds this very source (not one cut short by a crash).
  if ((await readFile(path, 'utf8').catch(() => null)) !== source) {
    const temp = `${path}.${process.pid}.tmp`
    await writeFile(temp, source, { mode: 0o600 })
    await rename(temp, path)
  }
  return pathToFileURL(path).href
}

/** Makes `folder` (0700) or accepts it when it is this user's own plain folder; refuses anyone else's. */
async function ensurePrivateFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 })
  const info = await lstat(folder)
  const facts = { isDirectory: info.isDirectory(), isSymbolicLink: info.isSymbolicLink(), uid: info.uid }
  const problem = privateFolderProblem(folder, facts, process.getuid?.())
  if (problem) {
    throw new UserError(
      `${problem}: shipped modules are neither written nor loaded there. Remove it, or set TMPDIR to a folder of your own.`,
      'modules-folder-unsafe',
    )
  }
  if ((info.mode & 0o077) !== 0) await chmod(folder, 0o700)
}

const loaded = new Map<string, Promise<TaskFunction>>()

/**
 * Imports a module (ES module, CommonJS, or TypeScript through Node's type stripping) and returns its
 * default export; a module that does not load or has no default function is the user's mistake, said
 * in the loader's own words.
 */
export function loadTaskModule(url: string, shownAs: string): Promise<TaskFunction> {
  let promise = loaded.get(url)
  if (!promise) {
    promise = importDefault(url, shownAs)
    loaded.set(url, promise)
    // A failed load is tried again next time (the person may have fixed the file).
    promise.catch(() => loaded.delete(url))
  }
  return promise
}

async function importDefault(url: string, shownAs: string): Promise<TaskFunction> {
  let module: { default?: unknown }
  try {
    module = (await import(url)) as { default?: unknown }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new UserError(`The module ${shownAs} could not be loaded: ${message}`, 'module-load')
  }
  // CommonJS `module.exports = fn` arrives as the default export too.
  const fn = module.default
  if (typeof fn !== 'function') {
    throw new UserError(
      `The module ${shownAs} has no default export function (export default (input, context) => result).`,
      'module-load',
    )
  }
  return fn as TaskFunction
}
