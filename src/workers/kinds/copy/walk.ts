import { readdirSync, lstatSync, statSync, type Dirent, type Stats } from 'node:fs'
import picomatch from 'picomatch'
import { describeError } from './errors'
import { childPath } from './names'
import { isCompatibilityJunction } from './windows-fs'

/** An open folder of the walk; `data` belongs to whoever walks (the planner keeps its counts there). */
export interface FolderFrame<T> {
  /** Path below the source folder, '' for the source folder itself. */
  rel: string
  srcPath: string
  entries: Dirent[]
  index: number
  /** `dev:ino` of this folder and its ancestors, to detect link loops when following links. */
  ancestors: Set<string>
  /** Whether the folder itself matches an include pattern. */
  included: boolean
  /** Set when the folder could not be read; it is then reported, not walked. */
  problem?: string
  data: T
}

export type WalkEvent<T> =
  | { type: 'folder-start'; frame: FolderFrame<T>; parent?: FolderFrame<T> }
  | { type: 'folder-end'; frame: FolderFrame<T>; parent?: FolderFrame<T> }
  | { type: 'file' | 'link'; parent: FolderFrame<T>; name: string; rel: string; stat: Stats }
  /** An entry that cannot be copied: a special file, a dangling link being followed, a link loop. */
  | { type: 'problem'; parent: FolderFrame<T>; name: string; rel: string; message: string }
  | { type: 'excluded'; parent: FolderFrame<T>; name: string; rel: string }

export interface WalkOptions {
  symlinks: 'copy' | 'follow' | 'skip'
  include: string[]
  exclude: string[]
  /** Names never walked (the job's own temporary files, the destination when it lies below a source). */
  skip(name: string, path: string): boolean
}

/**
 * Walks a source folder depth-first with an explicit stack (deep trees cannot overflow it), holding
 * only the entries of the open folders. Folders end after their whole content, so a planner can
 * emit each folder after everything inside it. Synchronous calls: a plan runs alone in its worker,
 * and on fast disks a synchronous `lstat` costs a fraction of a thread-pool round trip.
 */
export function* walkSource<T>(root: string, options: WalkOptions, init: () => T): Generator<WalkEvent<T>> {
  const isIncluded = options.include.length ? globMatcher(options.include) : () => true
  const isExcluded = options.exclude.length ? globMatcher(options.exclude) : () => false
  const follow = options.symlinks === 'follow'

  const rootStat = follow ? statSync(root) : lstatSync(root)
  const stack: FolderFrame<T>[] = []
  const open = (rel: string, srcPath: string, stat: Stats, ancestors: Set<string>): FolderFrame<T> => {
    const frame: FolderFrame<T> = {
      rel,
      srcPath,
      entries: [],
      index: 0,
      ancestors: new Set(ancestors).add(`${stat.dev}:${stat.ino}`),
      included: rel !== '' && options.include.length > 0 && isIncluded(rel),
      data: init(),
    }
    try {
      frame.entries = readdirSync(srcPath, { withFileTypes: true })
      frame.entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    } catch (error) {
      frame.problem = `The folder cannot be read: ${describeError(error, 'source').message}`
    }
    return frame
  }
  stack.push(open('', root, rootStat, new Set()))
  yield { type: 'folder-start', frame: stack[0]! }

  while (stack.length) {
    const frame = stack[stack.length - 1]!
    const entry = frame.entries[frame.index++]
    if (!entry) {
      stack.pop()
      yield { type: 'folder-end', frame, parent: stack[stack.length - 1] }
      continue
    }
    const { name } = entry
    const srcPath = childPath(frame.srcPath, name)
    if (options.skip(name, srcPath)) continue
    const rel = frame.rel ? `${frame.rel}/${name}` : name
    if (isExcluded(rel)) {
      yield { type: 'excluded', parent: frame, name, rel }
      continue
    }
    let stat: Stats
    try {
      stat = lstatSync(srcPath)
      if (stat.isSymbolicLink()) {
        // Windows' compatibility junctions (`My Music` in Documents) are not the user's files.
        if (options.symlinks === 'skip' || isCompatibilityJunction(srcPath)) {
          yield { type: 'excluded', parent: frame, name, rel }
          continue
        }
        if (follow) stat = statSync(srcPath)
      }
    } catch (error) {
      const dangling = follow && (error as NodeJS.ErrnoException).code === 'ENOENT'
      const message = dangling
        ? 'The link points to nothing, so there is nothing to follow.'
        : describeError(error, 'source').message
      yield { type: 'problem', parent: frame, name, rel, message }
      continue
    }
    if (stat.isDirectory()) {
      if (follow && frame.ancestors.has(`${stat.dev}:${stat.ino}`)) {
        yield {
          type: 'problem',
          parent: frame,
          name,
          rel,
          message: 'The link leads back to a folder that contains it (a link loop); it is not followed.',
        }
        continue
      }
      const child = open(rel, srcPath, stat, frame.ancestors)
      stack.push(child)
      yield { type: 'folder-start', frame: child, parent: frame }
    } else if (stat.isFile() || stat.isSymbolicLink()) {
      if (!isIncluded(rel)) yield { type: 'excluded', parent: frame, name, rel }
      else yield { type: stat.isFile() ? 'file' : 'link', parent: frame, name, rel, stat }
    } else {
      yield {
        type: 'problem',
        parent: frame,
        name,
        rel,
        message: `It is a ${specialKind(stat)}, not a file; it is not copied.`,
      }
    }
  }
}

/** Patterns without `/` match a name at any depth; patterns with `/` match the path below the source folder. */
export function globMatcher(patterns: string[]): (rel: string) => boolean {
  const byName = patterns.filter((p) => !p.includes('/'))
  const byPath = patterns.filter((p) => p.includes('/')).map((p) => p.replace(/^\/+/, ''))
  const nameMatch = byName.length ? picomatch(byName, { dot: true }) : () => false
  const pathMatch = byPath.length ? picomatch(byPath, { dot: true }) : () => false
  return (rel) => pathMatch(rel) || nameMatch(rel.slice(rel.lastIndexOf('/') + 1))
}

export function specialKind(stat: Stats): string {
  if (stat.isFIFO()) return 'named pipe'
  if (stat.isSocket()) return 'socket'
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device'
  return 'special file'
}
