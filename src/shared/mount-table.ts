/**
 * macOS volumes by name: Darwin's statfs type numbers are handed out as file systems load, so only
 * the mount table's names (`apfs`, `msdos`, `exfat`, `smbfs`…) say what a volume is. Pure: callers
 * hand in how to read the table and resolve a path.
 */

/** `/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)` → mount point and type. */
export function parseDarwinMounts(text: string): { point: string; type: string }[] {
  const mounts: { point: string; type: string }[] = []
  for (const line of text.split('\n')) {
    const match = / on (.+) \(([^,)]+)/.exec(line)
    if (match) mounts.push({ point: match[1]!, type: match[2]!.trim() })
  }
  return mounts
}

/** The type of the deepest mount point that holds `path`. */
export function mountTypeFor(path: string, mounts: { point: string; type: string }[]): string | undefined {
  let best: { point: string; type: string } | undefined
  for (const m of mounts) {
    const holds = m.point === '/' || path === m.point || path.startsWith(`${m.point}/`)
    if (holds && (!best || m.point.length > best.point.length)) best = m
  }
  return best?.type
}

/**
 * A memoized "type name of the volume holding this folder", given the folder's device number: the
 * table is read again only for a device not seen before (a USB stick plugged in while the worker
 * lives). Undefined when it cannot be read.
 */
export function darwinTypeNamer(
  readTable: () => string,
  realpath: (path: string) => string,
): (dir: string, device: number) => string | undefined {
  let mounts: { point: string; type: string }[] | undefined
  const devices = new Set<number>()
  return (dir, device) => {
    try {
      if (!mounts || !devices.has(device)) mounts = parseDarwinMounts(readTable())
      devices.add(device)
      return mountTypeFor(realpath(dir), mounts)
    } catch {
      return undefined
    }
  }
}
