import { existsSync, lstatSync, readdirSync, statfsSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import type { CopyPayload, CopySpec } from '../../../shared/kinds/copy'
import { UserError } from '../../../shared/user-error'
import { formatBytes } from '../../../shared/format'
import type { PlannedItem, PlanSummary } from '../../../shared/worker-protocol'
import type { PlanContext } from '../../kind-handler'
import { decideConflict, keepBothName } from './conflict'
import { describeError } from './errors'
import { belowPath, caseInsensitive, childPath, isAnyTempName, nameProblem, windowsNaming } from './names'
import { describePlan, type PlanCounts } from './plan-summary'
import { walkSource, type FolderFrame } from './walk'

/** What the planner keeps for each open folder. */
interface FolderData {
  destDir: string
  /** Names already at the destination (lower-cased on case-insensitive targets); null when the folder is new. */
  destNames: Set<string> | null
  /** Entries the destination folder will hold when the job is done. */
  expect: number
  /** Whether anything inside will be copied (with include filters, folders without content are left out). */
  hasContent: boolean
  /** Source names seen so far, lower-cased, on case-insensitive targets (to catch case-only clashes). */
  seen: Set<string> | null
  sourceNames?: Set<string>
  /** Why nothing can go into this destination folder (a file in the way, an unreadable folder). */
  blocked?: string
}

/** How long the walk may hold the worker's event loop before letting messages through. */
const SLICE_MS = 10
/**
 * The first units are held back (at least HOLD_UNITS of them, for HOLD_MS): a tree walked whole by
 * then is refused for space before anything is copied, exactly; a larger one starts copying while
 * its walk goes on, and stops the moment its running total no longer fits.
 */
const HOLD_MS = 30
const HOLD_UNITS = 256

/**
 * Walks every source, decides each conflict now (a resumed item must not mistake its own finished copy
 * for a file that was there before), and streams items: files and links as they are found, each folder
 * after its content. Refuses when the destination is too small.
 */
export async function planCopy(spec: CopySpec, ctx: PlanContext): Promise<PlanSummary | void> {
  const destination = resolve(spec.destination)
  const fs = destinationFileSystem(destination)
  const windowsRules = windowsNaming(fs.type)
  const foldCase = caseInsensitive(fs.type)
  const norm = (name: string): string => (foldCase ? name.toLowerCase() : name)
  const blocks = (bytes: number): number => Math.ceil(bytes / fs.blockSize) * fs.blockSize
  const counts: PlanCounts = {
    files: 0,
    links: 0,
    folders: 0,
    bytes: 0,
    neededBytes: 0,
    conflicts: 0,
    skipped: 0,
    replaced: 0,
    renamed: 0,
    excluded: 0,
    problems: 0,
    problemSamples: [],
    skippedSamples: [],
  }
  let sliceStart = performance.now()
  const planStart = sliceStart
  let held: PlannedItem[] | null = []
  const emitUnit = (item: PlannedItem): void => {
    if (held && held.length >= HOLD_UNITS && performance.now() - planStart > HOLD_MS) {
      for (const h of held) ctx.emit(h)
      held = null
    }
    if (held) held.push(item)
    else ctx.emit(item)
  }
  const checkSpace = (): void => {
    if (spec.ignoreFreeSpace || counts.neededBytes <= fs.free || held) return
    throw new UserError(
      `Not enough free space at the destination: the copy needs at least ${formatBytes(counts.neededBytes)} but only ${formatBytes(fs.free)} is free. Free some space or tell the copy to go on anyway.`,
      'no-space',
    )
  }

  for (const [source, sourcePath] of spec.sources.entries()) {
    const root = resolve(sourcePath)
    const rootName = basename(root)
    const destRoot = join(destination, rootName)
    const keyOf = (rel: string): string => (rel ? `${rootName}/${rel}` : rootName)
    const emit = (key: string, payload: CopyPayload, size: number): void => emitUnit({ key, payload, size })
    const problem = (key: string, type: CopyPayload['type'], message: string): void => {
      counts.problems++
      if (counts.problemSamples.length < 5) counts.problemSamples.push(`${key}: ${message}`)
      emit(
        key,
        type === 'folder' ? { type, source, expect: 0, problem: message } : { type, source, problem: message },
        0,
      )
    }
    const walk = walkSource<FolderData>(
      root,
      {
        symlinks: spec.symlinks,
        include: spec.include,
        exclude: spec.exclude,
        skip: (name, path) => isAnyTempName(name) || path === destination,
      },
      () => ({ destDir: '', destNames: null, expect: 0, hasContent: false, seen: null }),
    )

    for (const event of walk) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((done) => setImmediate(done))
        if (ctx.signal.aborted) return
        sliceStart = performance.now()
      }
      switch (event.type) {
        case 'folder-start': {
          const data = event.frame.data
          data.destDir = event.frame.rel ? belowPath(destRoot, event.frame.rel) : destRoot
          // A folder's name follows the destination's rules as a file's does (`aux`, `x.`, `Docs` beside `docs`).
          const name = event.frame.rel ? basename(event.frame.rel) : rootName
          const inherited =
            event.parent?.data.blocked ??
            nameProblem(name, data.destDir, windowsRules) ??
            (event.parent ? caseClash(event.parent.data, name) : undefined)
          const names = inherited ? null : readNames(data.destDir, norm)
          if (typeof names === 'string' || inherited) data.blocked = inherited ?? (names as string)
          else data.destNames = names
          data.expect = data.destNames?.size ?? 0
          data.seen = foldCase ? new Set() : null
          break
        }
        case 'folder-end': {
          const { frame, parent } = event
          const key = `${keyOf(frame.rel)}/`
          if (frame.problem || frame.data.blocked) {
            problem(key, 'folder', frame.problem ?? frame.data.blocked!)
            break
          }
          const wanted = !spec.include.length || frame.data.hasContent || frame.included || !parent
          if (!wanted) break
          counts.folders++
          emit(key, { type: 'folder', source, expect: frame.data.expect }, 0)
          if (parent) {
            parent.data.hasContent = true
            if (!parent.data.destNames?.has(norm(basename(frame.rel)))) parent.data.expect++
          }
          break
        }
        case 'excluded':
          counts.excluded++
          break
        case 'problem':
          problem(keyOf(event.rel), 'file', event.message)
          break
        case 'file':
        case 'link': {
          const { parent, name, stat } = event
          const key = keyOf(event.rel)
          const data = parent.data
          const destPath = childPath(data.destDir, name)
          const bad = data.blocked ?? nameProblem(name, destPath, windowsRules) ?? caseClash(data, name)
          if (bad) {
            problem(key, event.type, bad)
            break
          }
          data.hasContent = true
          const size = event.type === 'file' ? stat.size : 0
          const payload: CopyPayload = { type: event.type, source }
          if (data.destNames?.has(norm(name))) {
            counts.conflicts++
            const existing = lstatSync(destPath)
            if (existing.isDirectory()) {
              problem(key, event.type, 'A folder with this name is in the way at the destination.')
              break
            }
            const decision = decideConflict(spec.onConflict, stat, existing)
            if (decision === 'skip') {
              counts.skipped++
              if (counts.skippedSamples.length < 5) counts.skippedSamples.push(key)
              break
            }
            if (decision === 'replace') {
              counts.replaced++
              payload.replaces = existing.ino
              counts.neededBytes += Math.max(0, blocks(size) - blocks(existing.size))
            } else {
              counts.renamed++
              payload.renameTo = keepBothName(name, (n) => data.destNames!.has(norm(n)) || sourceNames(parent).has(n))
              data.destNames.add(norm(payload.renameTo))
              data.expect++
              counts.neededBytes += blocks(size)
            }
          } else {
            data.expect++
            counts.neededBytes += blocks(size)
          }
          if (event.type === 'file') counts.files++
          else counts.links++
          counts.bytes += size
          checkSpace()
          emit(key, payload, size)
          break
        }
      }
    }
  }

  const summary = describePlan(spec, counts, fs.free)
  if (!spec.ignoreFreeSpace && counts.neededBytes > fs.free) {
    throw new UserError(
      `${summary.notes.find((n) => n.startsWith('Not enough'))} Free some space or tell the copy to go on anyway.`,
      'no-space',
    )
  }
  for (const h of held ?? []) ctx.emit(h)
  return summary
}

/** Names in a destination folder; null when it does not exist yet; a sentence when it cannot be used. */
function readNames(dir: string, norm: (name: string) => string): Set<string> | null | string {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    // Without the names, conflicts cannot be seen: nothing goes in rather than overwrite blindly.
    if (code === 'ENOTDIR') return 'A file with this name is in the way at the destination.'
    return `The destination folder cannot be read: ${describeError(error, 'destination').message}`
  }
  const set = new Set<string>()
  for (const name of names) if (!isAnyTempName(name)) set.add(norm(name))
  return set
}

function caseClash(data: FolderData, name: string): string | undefined {
  if (!data.seen) return undefined
  const folded = name.toLowerCase()
  if (data.seen.has(folded))
    return `Another entry differs from "${name}" only by case, which the destination cannot tell apart.`
  data.seen.add(folded)
  return undefined
}

function sourceNames(frame: FolderFrame<FolderData>): Set<string> {
  frame.data.sourceNames ??= new Set(frame.entries.map((e) => e.name))
  return frame.data.sourceNames
}

/** Free space, block size and type of the file system the destination is (or will be) on. */
function destinationFileSystem(destination: string): { free: number; blockSize: number; type: number } {
  let dir = destination
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir)
  const fs = statfsSync(dir)
  return { free: fs.bavail * fs.bsize, blockSize: fs.bsize || 4096, type: fs.type }
}
