import { execFileSync } from 'node:child_process'
import { existsSync, lstatSync, realpathSync, rmSync, statfsSync, utimesSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { darwinTypeNamer } from '../../../shared/mount-table'
import { childPath } from './names'

/** How a destination volume compares names and keeps times: learned from the volume, guessed only when it cannot be asked. */
export interface NameRules {
  /** `a.txt` and `A.TXT` are one file. */
  foldsCase: boolean
  /** `Café` composed (NFC) and decomposed (NFD) are one file (APFS, HFS+). */
  foldsForm: boolean
  /** Modification times are kept to this many milliseconds (FAT 2000, HFS+ 1000, exFAT 10; 1 when finer). */
  timePrecisionMs: number
}

export interface Volume extends NameRules {
  /** The file system's name (`ext4`, `vfat`, `apfs`, `smbfs`…), or `type 0x…` when unknown. */
  typeName: string
  /** Names follow Windows rules (no `:` `?` `*`, no trailing dot, reserved names). */
  windowsNaming: boolean
  free: number
  blockSize: number
}

/** Linux statfs magic numbers; Darwin's numbers are its own and not stable, so macOS asks `mount` for names. */
const linuxTypes = new Map<number, string>([
  [0x4d44, 'vfat'],
  [0x2011bab0, 'exfat'],
  [0x5346544e, 'ntfs'],
  [0x7366746e, 'ntfs3'],
  [0x65735546, 'fuseblk'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  [0x482b, 'hfsplus'],
  [0xef53, 'ext4'],
  [0x01021994, 'tmpfs'],
  [0x9123683e, 'btrfs'],
  [0x58465342, 'xfs'],
  [0x2fc12fc1, 'zfs'],
  [0x6969, 'nfs'],
  [0x794c7630, 'overlay'],
])

/** File systems that follow Windows naming rules (Linux and Darwin names; fuseblk is ntfs-3g or exfat-fuse). */
const windowsLike = new Set(['vfat', 'msdos', 'exfat', 'ntfs', 'ntfs3', 'fuseblk', 'cifs', 'smb2', 'smbfs'])
const timePrecisionOf: Record<string, number> = { vfat: 2000, msdos: 2000, exfat: 10, hfs: 1000, hfsplus: 1000 }

/** What a volume says of itself when the probe cannot write there (a read-only or full parent folder). */
export function guessedRules(typeName: string, platform = process.platform): NameRules {
  const apple = typeName === 'apfs' || typeName === 'hfs' || typeName === 'hfsplus'
  return {
    foldsCase: platform === 'win32' || windowsLike.has(typeName) || apple,
    foldsForm: apple,
    timePrecisionMs: timePrecisionOf[typeName] ?? (windowsLike.has(typeName) && typeName !== 'ntfs' ? 1000 : 1),
  }
}

/** An odd second with a fraction: each precision stores it as a different multiple. */
const PROBE_TIME_MS = 1_500_000_001_123.5

/**
 * Asks the volume itself: makes a probe file named with upper case and a composed `é`, looks it up
 * lower-cased and decomposed, sets its time and reads back what was kept. Null when nothing can be
 * written in `dir`. The name is a temporary name of job 0, so no walk or count ever takes it for content.
 */
export function probeRules(dir: string): NameRules | null {
  const name = `.Tf-Probe-\u00e9-${process.pid}-${Math.random().toString(36).slice(2)}.taskfarm-0.part`
  const path = childPath(dir, name)
  try {
    writeFileSync(path, '', { flag: 'wx' })
  } catch {
    return null
  }
  try {
    const made = lstatSync(path)
    const sameFile = (other: string): boolean =>
      lstatSync(childPath(dir, other), { throwIfNoEntry: false })?.ino === made.ino
    utimesSync(path, PROBE_TIME_MS / 1000, PROBE_TIME_MS / 1000)
    const kept = lstatSync(path).mtimeMs
    return {
      foldsCase: sameFile(name.toLowerCase()),
      foldsForm: sameFile(name.normalize('NFD')),
      timePrecisionMs: precisionOf(kept),
    }
  } catch {
    return null
  } finally {
    rmSync(path, { force: true })
  }
}

/** The coarsest step the kept time is a whole multiple of (the probe time itself is a multiple of none). */
export function precisionOf(keptMs: number): number {
  for (const step of [2000, 1000, 10]) if (keptMs % step === 0 && Math.abs(keptMs - PROBE_TIME_MS) <= step) return step
  return 1
}

/** How the copy learns a volume's rules; tests put a stand-in here ("this volume folds forms"). */
export const volumeProbe: { rules: (dir: string) => NameRules | null } = { rules: remembered(probeRules) }

/** Free space, block size, type and name rules of the file system the destination is (or will be) on. */
export function destinationVolume(destination: string): Volume {
  let dir = destination
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir)
  const fs = statfsSync(dir)
  const typeName = fileSystemName(dir, fs.type)
  return {
    typeName,
    windowsNaming: process.platform === 'win32' || windowsLike.has(typeName),
    ...(volumeProbe.rules(dir) ?? guessedRules(typeName)),
    free: fs.bavail * fs.bsize,
    blockSize: fs.bsize || 4096,
  }
}

function fileSystemName(dir: string, type: number): string {
  if (process.platform === 'darwin') {
    const name = darwinTypeName(dir, lstatSync(dir).dev)
    if (name) return name
  }
  return linuxTypes.get(type) ?? `type 0x${type.toString(16)}`
}

/** Darwin's `statfs` numbers are handed out as file systems load; `mount` names them. */
const darwinTypeName = darwinTypeNamer(
  () => execFileSync('/sbin/mount', { encoding: 'utf8', timeout: 5000 }),
  realpathSync,
)

/**
 * One probe per folder and volume per worker process (a job's plan and each of its batches ask
 * again; another stick mounted at the same place is asked anew).
 */
function remembered(probe: (dir: string) => NameRules | null): (dir: string) => NameRules | null {
  const known = new Map<string, NameRules | null>()
  return (dir) => {
    const key = `${lstatSync(dir, { throwIfNoEntry: false })?.dev}:${dir}`
    if (!known.has(key)) known.set(key, probe(dir))
    return known.get(key)!
  }
}
