import { lstatSync, mkdirSync, readdirSync, type Dirent, type Stats } from 'node:fs'
import { resolve } from 'node:path'
import type { CopyPayload, CopySpec } from '../../../shared/kinds/copy'
import { storedCopyPayload } from '../../../shared/kinds/copy-payload'
import { systemFilePatterns } from '../../../shared/kinds/system-files'
import type { PlannedItem } from '../../../shared/worker-protocol'
import { timeSlack } from './conflict'
import { comparedName, decideEntry, nameClash, readNames, type DestFolder, type EntryRules } from './entry-decision'
import { describeError, onSide } from './errors'
import { belowPath, childPath, isAnyTempName, nameProblem } from './names'
import { destinationVolume } from './volume'
import { globMatcher, specialKind } from './walk'
import { isCompatibilityJunction } from './windows-fs'

/** What every folder unit of one run task shares: the destination's rules, the filters. */
export interface WalkRules extends EntryRules {
  destination: string
  folds: boolean
  excluded: (rel: string) => boolean
}

export function walkRules(spec: CopySpec): WalkRules {
  const destination = resolve(spec.destination)
  const fs = destinationVolume(destination)
  const exclude = spec.skipSystemFiles ? [...spec.exclude, ...systemFilePatterns] : spec.exclude
  return {
    spec,
    destination,
    norm: comparedName(fs),
    slackMs: timeSlack(fs.timePrecisionMs),
    windowsRules: fs.windowsNaming,
    blocks: (bytes) => Math.ceil(bytes / fs.blockSize) * fs.blockSize,
    folds: fs.foldsCase || fs.foldsForm,
    excluded: exclude.length ? globMatcher(exclude) : () => false,
  }
}

/**
 * How many units a folder unit may find before it stops listing subfolders itself: below it the
 * subfolders it meets are listed in the same unit (breadth first), past it each one left becomes a
 * folder unit of its own. One unit per folder made every level of a tree a round trip through the
 * farmer and a row per small folder; a budget keeps a unit to a few milliseconds of listing while
 * the rest of a large tree still spreads over every worker. `TASK_FARM_COPY_WALK_BUDGET` changes it
 * (tests; 1 lists one folder per unit).
 */
export const WALK_BUDGET = 1000
const walkBudget = (): number => Number(process.env.TASK_FARM_COPY_WALK_BUDGET) || WALK_BUDGET

/**
 * A folder unit with its budget: lists its own folder (see `walkFolder`), then the subfolders found
 * while fewer than the budget's units were found; what is left is found as folder units. A subfolder
 * that cannot be listed here is found as a folder unit too, which fails alone as it always did.
 */
export function walkFolders(
  rules: WalkRules,
  unit: { key: string; source: number; sourcePath: string },
  found: (unit: PlannedItem) => void,
): string | undefined {
  const budget = walkBudget()
  const subfolders: PlannedItem[] = []
  let count = 0
  // A folder's finds count only once its whole listing went through (a failed one finds nothing).
  const list = (key: string): string | undefined => {
    const finds: PlannedItem[] = []
    const blocked = walkFolder(rules, { ...unit, key }, (u) => finds.push(u))
    if (blocked) return blocked
    for (const u of finds) {
      if (u.role === 'finds') subfolders.push(u)
      else {
        count++
        found(u)
      }
    }
    return undefined
  }
  const blocked = list(unit.key)
  if (blocked) return blocked
  for (let next = 0; next < subfolders.length; next++) {
    const sub = subfolders[next]!
    let listed = false
    if (count < budget) {
      try {
        listed = list(sub.key) === undefined
      } catch {
        // Found as a unit of its own: it fails there with the reason, and a retry lists it again.
      }
    }
    if (!listed) found(sub)
  }
  return undefined
}

/**
 * A folder unit of the parallel walk (`type: 'walk'`, key `root/rel/*`): makes the destination folder
 * (so an empty one exists before any folder's times are set), lists the source folder and decides
 * each entry as the plan would, finding a unit for each file and link, a folder unit for each
 * subfolder, and the folder's own times (role `last`: handed out once every other unit settled).
 * Returns why nothing can go into the folder, or undefined; throws when the source cannot be read.
 */
export function walkFolder(
  rules: WalkRules,
  unit: { key: string; source: number; sourcePath: string },
  found: (unit: PlannedItem) => void,
): string | undefined {
  const folderKey = unit.key.slice(0, -2)
  const slash = folderKey.indexOf('/')
  const rootName = slash < 0 ? folderKey : folderKey.slice(0, slash)
  const rel = slash < 0 ? '' : folderKey.slice(slash + 1)
  const source = unit.source
  const srcDir = rel ? belowPath(unit.sourcePath, rel) : unit.sourcePath
  const destRoot = childPath(rules.destination, rootName)
  const destDir = rel ? belowPath(destRoot, rel) : destRoot
  // A subfolder's name was checked by its parent's listing; the source folder's own is checked here.
  const badRoot = rel ? undefined : nameProblem(rootName, destRoot, rules.windowsRules)
  if (badRoot) return badRoot
  const names = readNames(destDir, rules.norm)
  if (typeof names === 'string') return names
  const entries = onSide('source', () => readdirSync(srcDir, { withFileTypes: true }))
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  onSide('destination', () => mkdirSync(destDir, { recursive: true }))
  const folder: DestFolder = {
    destDir,
    destNames: names,
    expect: names?.size ?? 0,
    seen: rules.folds ? new Map() : null,
  }
  let sourceNames: Set<string> | undefined
  const allNames = (): Set<string> => (sourceNames ??= new Set(entries.map((e: Dirent) => e.name)))
  const problem = (key: string, message: string, type: 'file' | 'folder' = 'file'): void => {
    const payload: CopyPayload =
      type === 'folder' ? { type, source, expect: 0, problem: message } : { type, source, problem: message }
    found({ key, payload, size: 0 })
  }

  for (const { name } of entries) {
    const srcPath = childPath(srcDir, name)
    if (isAnyTempName(name) || srcPath === rules.destination) continue
    const entryRel = rel ? `${rel}/${name}` : name
    const key = `${rootName}/${entryRel}`
    if (rules.excluded(entryRel)) continue
    let stat: Stats
    try {
      stat = lstatSync(srcPath)
    } catch (error) {
      problem(key, describeError(error, 'source').message)
      continue
    }
    // Windows' compatibility junctions (`My Music` in Documents) are not the user's files.
    if (stat.isSymbolicLink() && (rules.spec.symlinks === 'skip' || isCompatibilityJunction(srcPath))) continue
    if (stat.isDirectory()) {
      const bad = nameProblem(name, childPath(destDir, name), rules.windowsRules) ?? nameClash(folder, name, rules.norm)
      if (bad) problem(`${key}/`, bad, 'folder')
      else found({ key: `${key}/*`, payload: { type: 'walk', source }, size: 0, role: 'finds' })
    } else if (stat.isFile() || stat.isSymbolicLink()) {
      const type = stat.isFile() ? 'file' : 'link'
      const decision = decideEntry(rules, folder, { name, type, stat, source }, allNames)
      if (decision.action === 'problem') problem(key, decision.message)
      else if (decision.action === 'copy')
        found({ key, payload: storedCopyPayload(decision.payload), size: type === 'file' ? stat.size : 0 })
    } else problem(key, `It is a ${specialKind(stat)}, not a file; it is not copied.`)
  }
  found({ key: `${folderKey}/`, payload: { type: 'folder', source, expect: 0 }, size: 0, role: 'last' })
  return undefined
}
