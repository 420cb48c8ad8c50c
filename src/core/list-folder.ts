import { readdir, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { UserError } from '../shared/user-error'

const MAX_ENTRIES = 5000

/**
 * A folder's entries for the browser's path picker, folders first. A link to a folder (`/bin` on
 * many systems) is a folder to the person picking: it is followed, so it opens like one.
 */
export async function listFolder(path: string | undefined) {
  const folder = resolve(path || homedir())
  let entries
  try {
    entries = await readdir(folder, { withFileTypes: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT' ? 'it does not exist' : code === 'ENOTDIR' ? 'it is not a folder' : (error as Error).message
    throw new UserError(`Cannot list ${folder}: ${why}.`, 'cannot-list')
  }
  const shown = entries.filter((e) => !e.name.startsWith('.')).slice(0, MAX_ENTRIES)
  const listed = await Promise.all(
    shown.map(async (e) => {
      const path = join(folder, e.name)
      const isDirectory = e.isSymbolicLink()
        ? await stat(path).then(
            (target) => target.isDirectory(),
            () => false, // a dangling link is shown, not followed
          )
        : e.isDirectory()
      return { name: e.name, path, isDirectory }
    }),
  )
  const parent = dirname(folder)
  return {
    path: folder,
    parent: parent === folder ? null : parent,
    entries: listed.sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name)),
  }
}
