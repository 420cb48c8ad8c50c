import { opendirSync } from 'node:fs'

/**
 * The names in destination folders, each read once per task: one listing instead of an `lstat` per
 * file to learn that a new copy's name is free (a resumed job's finished file has its name there,
 * and is then looked at as before). Only on a volume that compares names exactly, where a name
 * missing from the listing cannot be found by `lstat` either. A folder holding more than `cap`
 * entries is not listed (null: look per file), so a task with a few files in a huge folder does
 * not read all of it.
 */
export function destNamesReader(cap: number): (dir: string) => Set<string> | null {
  const listings = new Map<string, Set<string> | null>()
  return (dir) => {
    let names = listings.get(dir)
    if (names === undefined) {
      names = listNames(dir, cap)
      listings.set(dir, names)
    }
    return names
  }
}

function listNames(dir: string, cap: number): Set<string> | null {
  let handle
  try {
    handle = opendirSync(dir)
  } catch {
    return null // the per-file look reports what is wrong, as before
  }
  try {
    const names = new Set<string>()
    for (let entry = handle.readSync(); entry; entry = handle.readSync()) {
      names.add(entry.name)
      if (names.size > cap) return null
    }
    return names
  } catch {
    return null
  } finally {
    handle.closeSync()
  }
}
