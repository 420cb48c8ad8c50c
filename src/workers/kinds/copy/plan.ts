import { basename, join, resolve } from 'node:path'
import type { CopyPayload, CopySpec } from '../../../shared/kinds/copy'
import { storedCopyPayload } from '../../../shared/kinds/copy-payload'
import { systemFilePatterns } from '../../../shared/kinds/system-files'
import { UserError } from '../../../shared/user-error'
import { formatBytes, formatCount } from '../../../shared/format'
import type { PlannedItem, PlanSummary } from '../../../shared/worker-protocol'
import type { PlanContext } from '../../kind-handler'
import { timeSlack } from './conflict'
import { comparedName, decideEntry, nameClash, readNames, type DestFolder, type EntryRules } from './entry-decision'
import { belowPath, isAnyTempName, nameProblem } from './names'
import { describePlan, type PlanCounts } from './plan-summary'
import { destinationVolume } from './volume'
import { walkSource, type FolderFrame } from './walk'

/** What the planner keeps for each open folder. */
interface FolderData extends DestFolder {
  /** Whether anything inside will be copied (with include filters, folders without content are left out). */
  hasContent: boolean
  /** Units planned inside it: its own times then wait for every other unit of the job (role `last`). */
  units: number
  sourceNames?: Set<string>
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
 * A tree with more entries than this is not planned whole when units may find units: its folders
 * are listed by folder units spread over every worker (the parallel walk), and only these first
 * entries are checked for space before the copy starts. Below it one worker's walk costs less than
 * the folder units' rows and round trips (about 50 ms of walking on a fast disk). A dry run, include
 * filters and followed links always plan whole. `TASK_FARM_COPY_PLAN_LIMIT` changes it (tests).
 */
export const PLAN_LIMIT = 5000
const planLimit = (): number => Number(process.env.TASK_FARM_COPY_PLAN_LIMIT) || PLAN_LIMIT

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
  const blocks = (bytes: number): number => Math.ceil(bytes / fs.blockSize) * fs.blockSize
  const rules: EntryRules = { spec, norm, slackMs: timeSlack(fs.timePrecisionMs), windowsRules, blocks }
  const walkLimit = ctx.findUnits && !spec.include.length && spec.symlinks !== 'follow' ? planLimit() : Infinity
  let tooBig = false
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
    if (Number.isFinite(walkLimit)) {
      // Held whole until the tree proves small; past the limit the plan gives way to the parallel walk.
      held!.push(item)
      tooBig = held!.length > walkLimit
      return
    }
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
    const emit = (
      inside: FolderData | undefined,
      key: string,
      payload: CopyPayload | number,
      size: number,
      last = false,
    ) => {
      if (inside) inside.units++
      emitUnit({ key, payload, size, ...(last ? { role: 'last' as const } : {}) })
    }
    const problem = (
      inside: FolderData | undefined,
      key: string,
      type: 'file' | 'link' | 'folder',
      message: string,
    ) => {
      counts.problems++
      if (counts.problemSamples.length < 5) counts.problemSamples.push(`${key}: ${message}`)
      emit(
        inside,
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
      () => ({ destDir: '', destNames: null, expect: 0, hasContent: false, units: 0, seen: null }),
    )

    for (const event of walk) {
      if (tooBig) break
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
            problem(parent?.data, key, 'folder', frame.problem ?? frame.data.blocked!)
            break
          }
          const wanted = !spec.include.length || frame.data.hasContent || frame.included || !parent
          if (!wanted) break
          counts.folders++
          // A folder with units inside gets its times once every other unit settled (even one re-run
          // after its worker died); one without is made and finished at once.
          emit(parent?.data, key, { type: 'folder', source, expect: frame.data.expect }, 0, frame.data.units > 0)
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
          problem(event.parent.data, keyOf(event.rel), 'file', event.message)
          break
        case 'file':
        case 'link': {
          const { parent, name, stat } = event
          const key = keyOf(event.rel)
          const data = parent.data
          const decision = decideEntry(rules, data, { name, type: event.type, stat, source }, () => sourceNames(parent))
          if (decision.action === 'problem') {
            if (decision.content) {
              data.hasContent = true
              counts.conflicts++
            }
            problem(data, key, event.type, decision.message)
            break
          }
          data.hasContent = true
          if (decision.action === 'skip' || decision.conflict) {
            counts.conflicts++
            if (decision.otherForm) {
              counts.otherForm++
              if (counts.otherFormSamples.length < 5) counts.otherFormSamples.push(key)
            }
          }
          if (decision.action === 'skip') {
            counts.skipped++
            if (counts.skippedSamples.length < 5) counts.skippedSamples.push(key)
            break
          }
          if (decision.conflict === 'replace') counts.replaced++
          else if (decision.conflict === 'rename') counts.renamed++
          counts.neededBytes += decision.needed
          const size = event.type === 'file' ? stat.size : 0
          if (event.type === 'file') counts.files++
          else counts.links++
          counts.bytes += size
          checkSpace()
          emit(data, key, storedCopyPayload(decision.payload), size)
          break
        }
      }
    }
  }

  if (tooBig) return startParallelWalk(spec, ctx, counts.neededBytes, fs.free, walkLimit)
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

/**
 * The tree is bigger than the plan limit: what was held is dropped and each source folder becomes a
 * folder unit that lists it, so every worker walks (see `walk-folder.ts`). The space check covered
 * the entries walked so far.
 */
function startParallelWalk(
  spec: CopySpec,
  ctx: PlanContext,
  neededBytes: number,
  freeBytes: number,
  limit: number,
): PlanSummary {
  if (!spec.ignoreFreeSpace && neededBytes > freeBytes)
    throw new UserError(
      `Not enough free space at the destination: the copy needs at least ${formatBytes(neededBytes)} but only ${formatBytes(freeBytes)} is free. Free some space or tell the copy to go on anyway.`,
      'no-space',
    )
  for (const [source, sourcePath] of spec.sources.entries())
    ctx.emit({ key: `${basename(resolve(sourcePath))}/*`, payload: { type: 'walk', source }, size: 0, role: 'finds' })
  return {
    notes: [
      `Over ${formatCount(limit)} entries: every worker lists folders as the copy goes, so the totals grow until the walk is through. ` +
        `The free-space check covered the first ${formatCount(limit)} entries (${formatBytes(neededBytes)} of ${formatBytes(freeBytes)} free); a dry run checks the whole tree.`,
    ],
    facts: { parallelWalk: true, freeBytes },
  }
}

function sourceNames(frame: FolderFrame<FolderData>): Set<string> {
  frame.data.sourceNames ??= new Set(frame.entries.map((e) => e.name))
  return frame.data.sourceNames
}
