import { execFileSync } from 'node:child_process'
import { chmodSync, lstatSync, renameSync } from 'node:fs'
import { isAbsolute, win32 } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * What an ordinary Windows folder does to a copy, and what the copy does about it:
 * - a rename fails with EPERM or EBUSY while another program (the indexer, an antivirus, Excel)
 *   holds the file: tried again with a growing pause for about a second, as graceful-fs does;
 * - the read-only attribute travels with `CopyFileW`, and a read-only file cannot be replaced: it is
 *   cleared first (the copy that replaces it brings the source's attribute again);
 * - links need a type (a folder link made as a file link does not open), junctions need no privilege;
 * - compatibility junctions (`My Music` in Documents, `Application Data` in a profile) are hidden and
 *   system, and lead where listing is denied: they are not the user's files.
 */

const windows = process.platform === 'win32'

/** A file another program holds open: the sentence names it, since only the person can close it. */
export class FileInUse extends Error {
  readonly code = 'EBUSY'
  constructor(readonly path: string) {
    super(`${path} is in use by another program (an editor, the search indexer or an antivirus holds it open).`)
  }
}

/** Windows refused to make a symbolic link: without admin rights it needs Developer Mode. */
export class SymlinkNotPermitted extends Error {
  readonly code = 'EPERM'
  constructor() {
    super(
      'Windows lets only administrators create symbolic links, unless Developer Mode is on ' +
        '(Settings → System → For developers); or copy with links followed or skipped.',
    )
  }
}

/** Synchronous file calls (a copy of many small files must not pay a thread-pool round trip per rename). */
export interface RenameDeps {
  rename(from: string, to: string): void
  lstat(path: string): { mode: number } | undefined
  chmod(path: string, mode: number): void
  sleep(ms: number): Promise<void>
}

const onDisk: RenameDeps = {
  rename: renameSync,
  lstat: (path) => lstatSync(path, { throwIfNoEntry: false }),
  chmod: chmodSync,
  sleep: async (ms) => void (await sleep(ms)),
}

/** Pauses between tries: about 1.3 s in all. */
const pausesMs = [10, 20, 40, 80, 160, 320, 640]

/**
 * Renames a finished copy over its real name. On Windows (or when told to behave so) a read-only
 * file in the way is made writable, and a file held by another program is tried again; one still held
 * after that fails as `FileInUse`, naming it.
 */
export async function renameIntoPlace(
  from: string,
  to: string,
  { windowsRules = windows, deps = onDisk }: { windowsRules?: boolean; deps?: RenameDeps } = {},
): Promise<void> {
  let clearedReadOnly = false
  for (let attempt = 0; ; attempt++) {
    try {
      return deps.rename(from, to)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (!windowsRules || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error
      if (!clearedReadOnly && code !== 'EBUSY') {
        clearedReadOnly = true
        let existing: { mode: number } | undefined
        try {
          existing = deps.lstat(to)
        } catch {
          // Cannot look at it: try again as for a held file.
        }
        if (existing && (existing.mode & 0o200) === 0) {
          deps.chmod(to, existing.mode | 0o200)
          continue
        }
      }
      const pause = pausesMs[attempt]
      if (pause === undefined) throw new FileInUse(to)
      await deps.sleep(pause)
    }
  }
}

/**
 * The type a copied link needs on Windows: a link to a folder becomes a junction when its target is
 * absolute (no privilege needed, and what a junction is anyway), a `dir` link when it is relative
 * (junctions hold absolute targets only); anything else a file link.
 */
export function linkTypeFor(target: string, pointsToFolder: boolean): 'file' | 'dir' | 'junction' {
  if (!pointsToFolder) return 'file'
  return win32.isAbsolute(target) || isAbsolute(target) ? 'junction' : 'dir'
}

/** The attribute letters `attrib` prints before a path (`A  SH  I   C:\…`). */
export function attribFlags(output: string, path: string): Set<string> {
  const line = output.split(/\r?\n/).find((l) => l.toLowerCase().trimEnd().endsWith(path.toLowerCase())) ?? ''
  const at = line.toLowerCase().lastIndexOf(path.toLowerCase())
  return new Set(line.slice(0, Math.max(0, at)).replace(/\s/g, '').toUpperCase().split(''))
}

/** The names Windows gives its compatibility junctions (in a profile, in Documents, at the drive's root). */
const compatibilityNames = new Set([
  'application data',
  'cookies',
  'documents and settings',
  'history',
  'local settings',
  'my documents',
  'my music',
  'my pictures',
  'my videos',
  'nethood',
  'printhood',
  'recent',
  'sendto',
  'start menu',
  'templates',
  'temporary internet files',
])

/**
 * Whether a link is one of Windows' compatibility junctions: one of their names, hidden and system.
 * Node's `Stats` has no attributes, so `attrib` is asked, for links of those names only (a pnpm tree
 * holds thousands of junctions of its own). Never on other systems.
 */
export function isCompatibilityJunction(path: string): boolean {
  if (!windows || !compatibilityNames.has(win32.basename(path).toLowerCase())) return false
  try {
    const output = execFileSync('attrib', [path, '/L'], { encoding: 'utf8', windowsHide: true, timeout: 5000 })
    const flags = attribFlags(output, path)
    return flags.has('H') && flags.has('S')
  } catch {
    return false
  }
}
