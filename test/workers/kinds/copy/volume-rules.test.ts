import { execFileSync, spawnSync } from 'node:child_process'
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { darwinTypeNamer, mountTypeFor, parseDarwinMounts } from '../../../../src/shared/mount-table'
import {
  destinationVolume,
  guessedRules,
  precisionOf,
  probeRules,
  volumeProbe,
  type NameRules,
} from '../../../../src/workers/kinds/copy/volume'
import { copySpec, plan, planAndRun, run, tempDir } from './helpers'

const realProbe = volumeProbe.rules
afterEach(() => {
  volumeProbe.rules = realProbe
})

/** Tells the copy that every destination compares names and times this way (a stand-in for APFS, FAT…). */
function volumeThat(rules: Partial<NameRules>): void {
  volumeProbe.rules = () => ({ foldsCase: false, foldsForm: false, timePrecisionMs: 1, ...rules })
}

const composed = 'Caf\u00e9.txt'
const decomposed = 'Cafe\u0301.txt'

describe('the destination volume, asked rather than guessed', () => {
  it.runIf(process.platform === 'linux')(
    'the real probe finds this Linux file system sensitive to case and Unicode form, with fine times, and leaves nothing',
    () => {
      const dir = tempDir()
      expect(probeRules(dir)).toEqual({ foldsCase: false, foldsForm: false, timePrecisionMs: 1 })
      expect(readdirSync(dir)).toEqual([])
      expect(probeRules(join(dir, 'missing'))).toBeNull()
    },
  )

  it('reads a time precision from what the volume kept of an odd second with a fraction', () => {
    expect(precisionOf(1_500_000_000_000)).toBe(2000) // FAT: even seconds
    expect(precisionOf(1_500_000_002_000)).toBe(2000)
    expect(precisionOf(1_500_000_001_000)).toBe(1000) // HFS+, many SMB servers
    expect(precisionOf(1_500_000_001_120)).toBe(10) // exFAT
    expect(precisionOf(1_500_000_001_123.5)).toBe(1) // ext4, APFS, NTFS
  })

  it("names macOS volumes by Darwin's mount table, not by Linux statfs numbers", () => {
    const mounts = parseDarwinMounts(
      [
        '/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)',
        '/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)',
        '/dev/disk4s1 on /Volumes/USB STICK (msdos, local, nodev, nosuid, noowners)',
        '/dev/disk5s1 on /Volumes/Cam (exfat, local, nodev, nosuid, noowners)',
        '//me@nas._smb._tcp.local/share on /Volumes/share (smbfs, nodev, nosuid, mounted by me)',
      ].join('\n'),
    )
    expect(mountTypeFor('/Volumes/USB STICK/photos', mounts)).toBe('msdos')
    expect(mountTypeFor('/Volumes/Cam', mounts)).toBe('exfat')
    expect(mountTypeFor('/Volumes/share/a', mounts)).toBe('smbfs')
    expect(mountTypeFor('/System/Volumes/Data/Users/me', mounts)).toBe('apfs')
    expect(mountTypeFor('/Volumes/USB STICKER', mounts)).toBe('apfs')
    expect(guessedRules('msdos', 'darwin')).toEqual({ foldsCase: true, foldsForm: false, timePrecisionMs: 2000 })
    expect(guessedRules('apfs', 'darwin')).toEqual({ foldsCase: true, foldsForm: true, timePrecisionMs: 1 })
    expect(guessedRules('smbfs', 'darwin').timePrecisionMs).toBe(1000)
    expect(guessedRules('ext4', 'linux')).toEqual({ foldsCase: false, foldsForm: false, timePrecisionMs: 1 })
  })
})

/** A composed `Café.txt` copied under skip into a destination that holds a decomposed one. */
async function copyComposedOntoDecomposed() {
  const src = join(tempDir(), 'src')
  const dst = tempDir()
  mkdirSync(src)
  mkdirSync(join(dst, 'src'))
  writeFileSync(join(src, composed), 'from the source')
  writeFileSync(join(dst, 'src', decomposed), 'already there')
  return { dst, outcome: await planAndRun(copySpec({ sources: [src], destination: dst })) }
}

/** A source holding `Café.txt` in both forms, copied. */
async function copyBothForms() {
  const src = join(tempDir(), 'src')
  const dst = tempDir()
  mkdirSync(src)
  writeFileSync(join(src, composed), 'composed')
  writeFileSync(join(src, decomposed), 'decomposed')
  return { dst, outcome: await planAndRun(copySpec({ sources: [src], destination: dst })) }
}

describe('names compared as the destination compares them', () => {
  it('under skip, a decomposed Café at the destination stays untouched by a composed one, and the plan names the clash', async () => {
    volumeThat({ foldsForm: true, foldsCase: true })
    const { dst, outcome } = await copyComposedOntoDecomposed()
    expect(readdirSync(join(dst, 'src'))).toEqual([decomposed])
    expect(readFileSync(join(dst, 'src', decomposed), 'utf8')).toBe('already there')
    expect(outcome.summary?.facts).toMatchObject({ conflicts: 1, skipped: 1, files: 0 })
    expect(outcome.summary?.notes.join('\n')).toContain(`in another Unicode form (composed or decomposed accents)`)
    expect(outcome.summary?.notes.join('\n')).toContain(`src/${composed}`)
  })

  // The source must hold both forms, which only a form-sensitive file system (Linux's) can.
  it.runIf(process.platform === 'linux')(
    'two source names that differ only in Unicode form are refused at plan time on such a volume',
    async () => {
      volumeThat({ foldsForm: true })
      const { dst, outcome } = await copyBothForms()
      expect(outcome.failed.size).toBe(1)
      const [key, failure] = [...outcome.failed][0]!
      expect([`src/${composed}`, `src/${decomposed}`]).toContain(key)
      expect(failure.error).toMatch(/only in its Unicode form/)
      expect(failure.retryable).toBe(false)
      expect(readdirSync(join(dst, 'src'))).toHaveLength(1)
    },
  )

  it.runIf(process.platform === 'linux')(
    'on a volume that tells forms apart (this one, asked for real), both forms are copied as they are',
    async () => {
      const { dst, outcome } = await copyBothForms()
      expect(outcome.failed.size).toBe(0)
      expect(readdirSync(join(dst, 'src')).sort()).toEqual([composed, decomposed].sort())
    },
  )
})

describe('times compared at the destination’s precision', () => {
  /** A source whose times have odd seconds and fractions, copied once. */
  async function copiedOnce(): Promise<{ src: string; dst: string }> {
    const src = join(tempDir(), 'src')
    const dst = tempDir()
    mkdirSync(src)
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(src, `f${i}.txt`), `file ${i}`)
      utimesSync(join(src, `f${i}.txt`), 1_600_000_001.37 + 2 * i, 1_600_000_001.37 + 2 * i)
    }
    const first = await planAndRun(copySpec({ sources: [src], destination: dst }))
    expect(first.failed.size).toBe(0)
    return { src, dst }
  }

  /** What FAT keeps of a time: whole even seconds. */
  function truncateToFat(dir: string): void {
    for (const name of readdirSync(dir)) {
      const t = Math.floor(lstatSync(join(dir, name)).mtimeMs / 2000) * 2
      utimesSync(join(dir, name), t, t)
    }
  }

  it('on a FAT-like volume (times truncated by the test), `different` and `newer` replace nothing, and a resume copies nothing again', async () => {
    volumeThat({ foldsCase: true, timePrecisionMs: 2000 })
    const { src, dst } = await copiedOnce()
    truncateToFat(join(dst, 'src'))
    for (const onConflict of ['different', 'newer'] as const) {
      const again = await plan(copySpec({ sources: [src], destination: dst, onConflict }))
      expect(again.summary?.facts, onConflict).toMatchObject({ conflicts: 5, skipped: 5, overwrite: 0 })
    }
    // A resumed item finds its finished copy, 1.37 s off on FAT, and takes it as done.
    const fresh = tempDir()
    const planned = await plan(copySpec({ sources: [src], destination: fresh }))
    await run(copySpec({ sources: [src], destination: fresh }), planned.items)
    truncateToFat(join(fresh, 'src'))
    const resumed = await run(copySpec({ sources: [src], destination: fresh }), planned.items)
    const files = [...resumed.done].filter(([key]) => key.endsWith('.txt'))
    expect(files.map(([, result]) => result)).toEqual(files.map(() => ({ outcome: 'complete' })))
  })

  it.runIf(process.platform === 'linux')(
    'a real vfat image: a second run with `different` replaces nothing',
    async (ctx) => {
      const dir = tempDir()
      const image = join(dir, 'fat.img')
      const mountPoint = join(dir, 'mnt')
      mkdirSync(mountPoint)
      const made = spawnSync('sh', ['-c', `truncate -s 8M '${image}' && mkfs.vfat '${image}'`], { encoding: 'utf8' })
      const mounted = made.status === 0 && spawnSync('mount', ['-o', 'loop', image, mountPoint]).status === 0
      if (!mounted) return ctx.skip('no vfat loop mount here (mkfs.vfat missing, or mount not permitted)')
      try {
        const src = join(tempDir(), 'src')
        mkdirSync(src)
        for (let i = 0; i < 5; i++) {
          writeFileSync(join(src, `f${i}.txt`), `file ${i}`)
          utimesSync(join(src, `f${i}.txt`), 1_600_000_001.37 + 2 * i, 1_600_000_001.37 + 2 * i)
        }
        const first = await planAndRun(copySpec({ sources: [src], destination: mountPoint }))
        expect(first.failed.size).toBe(0)
        const again = await plan(copySpec({ sources: [src], destination: mountPoint, onConflict: 'different' }))
        expect(again.summary?.facts).toMatchObject({ conflicts: 5, skipped: 5, overwrite: 0 })
      } finally {
        execFileSync('umount', [mountPoint])
        rmSync(image, { force: true })
      }
    },
  )
})

// Only the workflow's macOS job runs these: APFS as it really is (case- and form-insensitive by default).
describe.runIf(process.platform === 'darwin')('on macOS, for real', () => {
  it('the probe finds APFS folding case and Unicode form, and the volume is named apfs, not a statfs number', () => {
    const dir = tempDir()
    expect(probeRules(dir)).toMatchObject({ foldsForm: true })
    expect(destinationVolume(dir).typeName).toBe('apfs')
  })

  it('under skip, a decomposed Café at the destination is left untouched by a composed one', async () => {
    const { dst, outcome } = await copyComposedOntoDecomposed()
    expect(readdirSync(join(dst, 'src'))).toHaveLength(1)
    expect(readFileSync(join(dst, 'src', decomposed), 'utf8')).toBe('already there')
    expect(outcome.summary?.facts).toMatchObject({ conflicts: 1, skipped: 1 })
  })
})

describe('files systems leave behind', () => {
  it('.DS_Store, ._* and Thumbs.db are left out by default, and copied when asked', async () => {
    const src = join(tempDir(), 'src')
    mkdirSync(join(src, 'photos'), { recursive: true })
    for (const name of ['.DS_Store', 'photos/._IMG_1.jpg', 'photos/Thumbs.db', 'photos/IMG_1.jpg', '.env'])
      writeFileSync(join(src, name), name)
    const skipping = tempDir()
    const outcome = await planAndRun(copySpec({ sources: [src], destination: skipping }))
    expect(readdirSync(join(skipping, 'src'), { recursive: true }).sort()).toEqual([
      '.env',
      'photos',
      'photos/IMG_1.jpg',
    ])
    expect(outcome.summary?.facts).toMatchObject({ excluded: 3 })
    const keeping = tempDir()
    await planAndRun(copySpec({ sources: [src], destination: keeping, skipSystemFiles: false }))
    expect(readdirSync(join(keeping, 'src'), { recursive: true })).toHaveLength(6)
  })
})

describe('the mount table, read again for a volume it has not seen', () => {
  it('reads the table once per new device, so a stick plugged in later is named', () => {
    let reads = 0
    let table = '/dev/disk3s5 on / (apfs, local, journaled)'
    const typeOf = darwinTypeNamer(
      () => (reads++, table),
      (p) => p,
    )
    expect(typeOf('/Users/me', 1)).toBe('apfs')
    expect(typeOf('/Users/me/Desktop', 1)).toBe('apfs')
    expect(reads).toBe(1)
    table += '\n/dev/disk5s1 on /Volumes/STICK (msdos, local, nodev, nosuid, noowners)'
    expect(typeOf('/Volumes/STICK', 2)).toBe('msdos')
    expect(reads).toBe(2)
  })
})
