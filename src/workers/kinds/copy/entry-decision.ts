import { lstatSync, readdirSync, type Stats } from 'node:fs'
import type { CopyPayload, CopySpec } from '../../../shared/kinds/copy'
import { decideConflict, keepBothName } from './conflict'
import { describeError } from './errors'
import { childPath, isAnyTempName, nameProblem } from './names'
import type { NameRules } from './volume'

/** A destination folder as the plan (or a folder unit of the parallel walk) sees it. */
export interface DestFolder {
  destDir: string
  /** Names already at the destination, as the destination compares them (→ the name itself); null when the folder is new. */
  destNames: Map<string, string> | null
  /** Entries the destination folder will hold when the job is done. */
  expect: number
  /** Source names seen so far, as the destination compares them, when it folds case or form: compared name → name. */
  seen: Map<string, string> | null
  /** Why nothing can go into this destination folder (a file in the way, an unreadable folder). */
  blocked?: string
}

/** What decides an entry: the spec and the destination's rules. */
export interface EntryRules {
  spec: CopySpec
  norm: (name: string) => string
  slackMs: number
  windowsRules: boolean
  /** Bytes a file of this size takes at the destination (whole blocks). */
  blocks: (bytes: number) => number
}

export type EntryDecision =
  /** It cannot be copied; `content`: it still counts as content of its folder (a folder in its way). */
  | { action: 'problem'; message: string; content: boolean }
  | { action: 'skip'; otherForm: boolean }
  | {
      action: 'copy'
      payload: Extract<CopyPayload, { type: 'file' | 'link' }>
      /** Bytes the destination must have free for it. */
      needed: number
      conflict: 'replace' | 'rename' | null
      /** Only another Unicode form of its name is at the destination (`Café` decomposed). */
      otherForm: boolean
    }

/**
 * Decides what becomes of a source file or link in `folder` (its conflict now, so a resumed unit
 * does not mistake its own finished copy for a file that was there before); notes its name in the
 * folder's expected entries.
 */
export function decideEntry(
  rules: EntryRules,
  folder: DestFolder,
  entry: { name: string; type: 'file' | 'link'; stat: Stats; source: number },
  sourceNames: () => Set<string>,
): EntryDecision {
  const { name, stat } = entry
  const bad =
    folder.blocked ??
    nameProblem(name, childPath(folder.destDir, name), rules.windowsRules) ??
    nameClash(folder, name, rules.norm)
  if (bad) return { action: 'problem', message: bad, content: false }
  const size = entry.type === 'file' ? stat.size : 0
  // A file's source mtime rides in its unit, so `diff` of two copies sees a file that changed.
  const payload: Extract<CopyPayload, { type: 'file' | 'link' }> =
    entry.type === 'file'
      ? { type: 'file', source: entry.source, mtime: Math.trunc(stat.mtimeMs) }
      : { type: 'link', source: entry.source }
  const there = folder.destNames?.get(rules.norm(name))
  if (there === undefined) {
    folder.expect++
    return { action: 'copy', payload, needed: rules.blocks(size), conflict: null, otherForm: false }
  }
  // The name as the destination holds it (the two are one file there, whatever their case or form).
  const existing = lstatSync(childPath(folder.destDir, there))
  if (existing.isDirectory())
    return { action: 'problem', message: 'A folder with this name is in the way at the destination.', content: true }
  const otherForm = there !== name && there.normalize('NFC') === name.normalize('NFC')
  const decision = decideConflict(rules.spec.onConflict, stat, existing, rules.slackMs)
  if (decision === 'skip') return { action: 'skip', otherForm }
  if (decision === 'replace') {
    payload.replaces = existing.ino
    const needed = Math.max(0, rules.blocks(size) - rules.blocks(existing.size))
    return { action: 'copy', payload, needed, conflict: 'replace', otherForm }
  }
  const names = folder.destNames!
  payload.renameTo = keepBothName(name, (n) => names.has(rules.norm(n)) || sourceNames().has(n))
  names.set(rules.norm(payload.renameTo), payload.renameTo)
  folder.expect++
  return { action: 'copy', payload, needed: rules.blocks(size), conflict: 'rename', otherForm }
}

/** Names in a destination folder; null when it does not exist yet; a sentence when it cannot be used. */
export function readNames(dir: string, norm: (name: string) => string): Map<string, string> | null | string {
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
export function nameClash(folder: DestFolder, name: string, norm: (name: string) => string): string | undefined {
  if (!folder.seen) return undefined
  const compared = norm(name)
  const first = folder.seen.get(compared)
  if (first === undefined) {
    folder.seen.set(compared, name)
    return undefined
  }
  return first.normalize('NFC') === name.normalize('NFC')
    ? `Another entry "${first}" differs from "${name}" only in its Unicode form (composed or decomposed accents), which the destination takes as one name.`
    : `Another entry differs from "${name}" only by case, which the destination cannot tell apart.`
}
