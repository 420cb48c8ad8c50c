import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import type { JobInput } from '../../shared/kinds/command'

/** A stat or two: is the input file or folder there and readable? Reading it is the plan's work. */
export async function checkJobInput(input: JobInput): Promise<string[]> {
  if (input.type === 'list') return input.values.length === 0 ? ['Give at least one input.'] : []
  // Another job's units are read when this job's plan goes out (the farm checks that job exists).
  if (input.type === 'job') return []
  if (input.type === 'file') return checkReadable(input.path, 'input file', 'file')
  return checkReadable(input.dir, 'input folder', 'folder')
}

/** Whether `path` is a readable file (or folder), as sentences naming it as `what` ("URL list"). */
export async function checkReadable(path: string, what: string, kind: 'file' | 'folder'): Promise<string[]> {
  try {
    const info = await stat(path)
    if (kind === 'file' && !info.isFile()) return [`The ${what} ${path} is not a file.`]
    if (kind === 'folder' && !info.isDirectory()) return [`The ${what} ${path} is not a folder.`]
    await access(path, constants.R_OK)
    return []
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return [`The ${what} ${path} does not exist.`]
    if (code === 'EACCES' || code === 'EPERM') return [`The ${what} ${path} cannot be read (permission denied).`]
    return [`The ${what} ${path} cannot be read: ${(error as Error).message}`]
  }
}

export async function checkFolder(path: string, what: string): Promise<string[]> {
  const info = await stat(path).catch(() => null)
  if (!info) return [`The ${what} ${path} does not exist.`]
  return info.isDirectory() ? [] : [`The ${what} ${path} is not a folder.`]
}
