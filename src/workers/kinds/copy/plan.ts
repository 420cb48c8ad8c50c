import { lstatSync, readdirSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { systemFilePatterns, type CopyPayload, type CopySpec } from '../../../shared/kinds/copy'
import { UserError } from '../../../shared/user-error'
import { formatBytes } from '../../../shared/format'
import type { PlannedItem, PlanSummary } from '../../../shared/worker-protocol'
import type { PlanContext } from '../../kind-handler'
import { decideConflict, keepBothName, timeSlack } from './conflict'
import { describeError } from './errors'
import { belowPath, childPath, isAnyTempName, nameProblem } from './names'
import { describePlan, type PlanCounts } from './plan-summary'
import { destinationVolume, type NameRules } from './volume'
import { walkSource, type FolderFrame } from './walk'

/** What the planner keeps for each open folder. */
interface FolderData {
  destDir: string
  /** Names already at the destination, as the destination compares them (→ the name itself); null when the folder is new. */
  destNames: Map<string, string> | null
  /** Entries the destination folder will hold when the job is done. */
  expect: number
  /** Whether anything inside will be copied (with include filters, folders without content are left out). */
  hasContent: boolean
  /** Source names seen so far, as the destination compares them, when it folds case or form: compared name → name. */
  seen: Map<string, string> | null
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
  const fs = destinationVolume(destination)
  const windowsRules = fs.windowsNaming
  const norm = comparedName(fs)
  const slackMs = timeSlack(fs.timePrecisionMs)
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
    otherForm: 0,
    otherFormSamples: [],
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
        exclude: spec.skipSystemFiles ? [...spec.exclude, ...systemFilePatterns] : spec.exclude,
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
            (event.parent ? nameClash(event.parent.data, name, norm) : undefined)
          const names = inherited ? null : readNames(data.destDir, norm)
          if (typeof names === 'string' || inherited) data.blocked = inherited ?? (names as string)
          else data.destNames = names
          data.expect = data.destNames?.size ?? 0
          data.seen = fs.foldsCase || fs.foldsForm ? new Map() : null
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
          const bad = data.blocked ?? nameProblem(name, destPath, windowsRules) ?? nameClash(data, name, norm)
          if (bad) {
            problem(key, event.type, bad)
            break
          }
          data.hasContent = true
          const size = event.type === 'file' ? stat.size : 0
          const payload: CopyPayload =
            event.type === 'file' ? { type: 'file', source, mtime: Math.trunc(stat.mtimeMs) } : { type: 'link', source }
          const there = data.destNames?.get(norm(name))
          if (there !== undefined) {
            counts.conflicts++
            // The name as the destination holds it (the two are one file there, whatever their case or form).
            const existing = lstatSync(childPath(data.destDir, there))
            if (existing.isDirectory()) {
              problem(key, event.type, 'A folder with this name is in the way at the destination.')
              break
            }
            if (there !== name && there.normalize('NFC') === name.normalize('NFC')) {
              // Only another Unicode form of the name is there (`Café` decomposed): the same file here.
              counts.otherForm++
              if (counts.otherFormSamples.length < 5) counts.otherFormSamples.push(key)
            }
            const decision = decideConflict(spec.onConflict, stat, existing, slackMs)
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
              data.destNames!.set(norm(payload.renameTo), payload.renameTo)
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
function readNames(dir: string, norm: (name: string) => string): Map<string, string> | null | string {
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
  const compared = new Map<string, string>()
  for (const name of names) if (!isAnyTempName(name)) compared.set(norm(name), name)
  return compared
}

/** A name as the destination compares it: composed (NFC) where forms fold, lower-cased where case folds. */
export function comparedName(rules: NameRules): (name: string) => string {
  if (rules.foldsForm && rules.foldsCase) return (name) => name.normalize('NFC').toLowerCase()
  if (rules.foldsForm) return (name) => name.normalize('NFC')
  if (rules.foldsCase) return (name) => name.toLowerCase()
  return (name) => name
}

/** Two source entries the destination would take for one (by case or Unicode form): the second is refused. */
function nameClash(data: FolderData, name: string, norm: (name: string) => string): string | undefined {
  if (!data.seen) return undefined
  const compared = norm(name)
  const first = data.seen.get(compared)
  if (first === undefined) {
    data.seen.set(compared, name)
    return undefined
  }
  return first.normalize('NFC') === name.normalize('NFC')
    ? `Another entry "${first}" differs from "${name}" only in its Unicode form (composed or decomposed accents), which the destination takes as one name.`
    : `Another entry differs from "${name}" only by case, which the destination cannot tell apart.`
}

function sourceNames(frame: FolderFrame<FolderData>): Set<string> {
  frame.data.sourceNames ??= new Set(frame.entries.map((e) => e.name))
  return frame.data.sourceNames
}
