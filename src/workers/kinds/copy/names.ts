import { createHash } from 'node:crypto'
import { sep } from 'node:path'

/** Longest file name most file systems hold, in bytes (NAME_MAX), and longest path (PATH_MAX − 1). */
const NAME_MAX = 255
const PATH_MAX = 4095

/** Suffix of every temporary file of a job, so clean-up finds exactly this job's ones. */
export const tempSuffix = (jobId: number): string => `.taskfarm-${jobId}.part`

/** The temporary name a file is written under, in its destination folder, until it is complete. */
export function tempName(name: string, jobId: number): string {
  const suffix = tempSuffix(jobId)
  const plain = `.${name}${suffix}`
  if (Buffer.byteLength(plain) <= NAME_MAX) return plain
  // Long names would make the temporary name too long for the file system: use a digest instead.
  return `.${createHash('sha1').update(name).digest('hex')}${suffix}`
}

export const isTempName = (name: string, jobId: number): boolean =>
  name.startsWith('.') && name.endsWith(tempSuffix(jobId))

/** A temporary name of any job (skipped when planning, never counted as content). */
export const isAnyTempName = (name: string): boolean => name.startsWith('.') && /\.taskfarm-\d+\.part$/.test(name)

const windowsReserved = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i
// eslint-disable-next-line no-control-regex
const windowsForbidden = /[<>:"\\|?*\u0000-\u001f]/

/**
 * Why `name` (of a file or a folder) cannot be created at the destination, or undefined when it can.
 * Names are limited to 255 bytes on POSIX file systems, and to 255 UTF-16 units on NTFS, FAT and
 * exFAT: a name of 100 CJK characters is 300 bytes but 100 units, and Windows takes it.
 */
export function nameProblem(name: string, destPath: string, windowsRules: boolean): string | undefined {
  if (windowsRules ? name.length > NAME_MAX : Buffer.byteLength(name) > NAME_MAX)
    return `The name "${name}" is longer than the destination file system allows (255 ${windowsRules ? 'characters' : 'bytes'}).`
  if (Buffer.byteLength(destPath) > PATH_MAX) return `The destination path is too long (over ${PATH_MAX} bytes).`
  if (!windowsRules) return undefined
  if (windowsReserved.test(name)) return `The name "${name}" is reserved on Windows file systems.`
  if (/[. ]$/.test(name))
    return `The name "${name}" ends with a dot or a space, which Windows file systems cannot hold.`
  if (windowsForbidden.test(name)) return `The name "${name}" contains a character Windows file systems cannot hold.`
  return undefined
}

/** Splits an item key (`root/a/b.txt`, folders end with `/`) into the source folder's name and the path below it. */
export function splitKey(key: string): { root: string; rel: string } {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key
  const slash = trimmed.indexOf('/')
  return slash < 0 ? { root: trimmed, rel: '' } : { root: trimmed.slice(0, slash), rel: trimmed.slice(slash + 1) }
}

/** `dir` + `name` without `path.join`'s normalising, which costs more than a file copy's rename on big trees. */
export const childPath = (dir: string, name: string): string => (dir.endsWith(sep) ? dir + name : dir + sep + name)

/** `dir` + a `/`-separated relative path (item keys always use `/`). */
export const belowPath = (dir: string, rel: string): string =>
  childPath(dir, sep === '/' ? rel : rel.replaceAll('/', sep))
