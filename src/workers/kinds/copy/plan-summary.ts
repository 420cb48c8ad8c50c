import type { CopySpec } from '../../../shared/kinds/copy'
import { formatBytes, formatCount } from '../../../shared/format'
import type { PlanSummary } from '../../../shared/worker-protocol'

/** What a copy plan counted. */
export interface PlanCounts {
  files: number
  links: number
  folders: number
  /** Bytes to copy. */
  bytes: number
  /** Bytes the destination must find room for, in whole blocks, after replaced files give theirs back. */
  neededBytes: number
  /** Source entries whose name is already taken at the destination. */
  conflicts: number
  skipped: number
  replaced: number
  renamed: number
  excluded: number
  /** Entries that cannot be copied (listed as failed items). */
  problems: number
  problemSamples: string[]
  skippedSamples: string[]
  /** Conflicts with a destination name in another Unicode form (composed or decomposed), the same name there. */
  otherForm: number
  otherFormSamples: string[]
}

const policyWords: Record<CopySpec['onConflict'], string> = {
  skip: 'skipped',
  overwrite: 'overwritten',
  newer: 'overwritten when the source is newer',
  different: 'overwritten when size or time differ',
  rename: 'copied under a new name (keep both)',
}

/** The plan's lines for the person and its figures for the job detail. */
export function describePlan(spec: CopySpec, c: PlanCounts, freeBytes: number): PlanSummary {
  const plural = (n: number, word: string, many = `${word}s`): string => `${formatCount(n)} ${n === 1 ? word : many}`
  const notes = [
    `${plural(c.files, 'file')}, ${formatBytes(c.bytes)} in ${plural(c.folders, 'folder')}` +
      (c.links ? `, ${plural(c.links, 'link')}` : ''),
  ]
  if (c.conflicts) {
    notes.push(
      `${plural(c.conflicts, 'entry', 'entries')} already at the destination (${policyWords[spec.onConflict]}): ` +
        `${formatCount(c.skipped)} skipped, ${formatCount(c.replaced)} to overwrite, ${formatCount(c.renamed)} to rename.`,
    )
    if (c.otherForm)
      notes.push(
        `${plural(c.otherForm, 'entry', 'entries')} already at the destination under the same name in another Unicode form ` +
          `(composed or decomposed accents), which the destination takes as one name: ${c.otherFormSamples.join(', ')}${c.otherForm > c.otherFormSamples.length ? ', …' : ''}`,
      )
    if (c.skippedSamples.length)
      notes.push(`Skipped: ${c.skippedSamples.join(', ')}${c.skipped > c.skippedSamples.length ? ', …' : ''}`)
  }
  if (c.excluded) notes.push(`${plural(c.excluded, 'entry', 'entries')} left out by filters or link settings.`)
  if (c.problems) {
    notes.push(`${plural(c.problems, 'entry', 'entries')} cannot be copied:`)
    notes.push(...c.problemSamples.map((s) => `  ${s}`))
    if (c.problems > c.problemSamples.length) notes.push('  …')
  }
  if (c.neededBytes > freeBytes) {
    notes.push(
      `Not enough free space at the destination: the copy needs ${formatBytes(c.neededBytes)} but only ${formatBytes(freeBytes)} is free.`,
    )
  } else notes.push(`Free space at the destination: ${formatBytes(freeBytes)} (needs ${formatBytes(c.neededBytes)}).`)
  return {
    notes,
    facts: {
      files: c.files,
      links: c.links,
      folders: c.folders,
      bytes: c.bytes,
      conflicts: c.conflicts,
      skipped: c.skipped,
      overwrite: c.replaced,
      rename: c.renamed,
      excluded: c.excluded,
      problems: c.problems,
      freeBytes,
      neededBytes: c.neededBytes,
    },
  }
}
