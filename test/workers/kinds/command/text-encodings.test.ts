import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { afterEach, describe, expect, it } from 'vitest'
import { readInputs } from '../../../../src/workers/kinds/command/read-inputs'
import { consoleCodePage, decodeOutput } from '../../../../src/workers/kinds/command/text-encodings'
import { bomOf } from '../../../../src/workers/kinds/command/text-file'
import { tempDir } from '../../../support/test-farm'

const dirs: ReturnType<typeof tempDir>[] = []
afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

async function inputsOf(bytes: Buffer, growing = false): Promise<string[]> {
  const dir = tempDir('tf-bom-')
  dirs.push(dir)
  const path = join(dir.path, 'inputs.txt')
  writeFileSync(path, bytes)
  const out: string[] = []
  for await (const lines of readInputs({ type: 'file', path, growing }, new AbortController().signal))
    out.push(...lines)
  return out
}

const lines = 'C:\\Users\\zoë\\a.txt\r\n字 b.txt\r\n'
const bom = (hex: string, body: Buffer): Buffer => Buffer.concat([Buffer.from(hex, 'hex'), body])

describe('text in the encodings Windows writes', () => {
  it('tells UTF-8, UTF-16LE and UTF-16BE by their BOM', () => {
    expect(bomOf(Buffer.from('efbbbf41', 'hex'))).toEqual({ encoding: 'utf8', bytes: 3 })
    expect(bomOf(Buffer.from('fffe4100', 'hex'))).toEqual({ encoding: 'utf16le', bytes: 2 })
    expect(bomOf(Buffer.from('feff0041', 'hex'))).toEqual({ encoding: 'utf16be', bytes: 2 })
    expect(bomOf(Buffer.from('41', 'hex'))).toEqual({ encoding: 'utf8', bytes: 0 })
  })

  it("reads an input file by its BOM, the BOM no part of the first input (PowerShell 5's > is UTF-16LE)", async () => {
    const want = ['C:\\Users\\zoë\\a.txt', '字 b.txt']
    expect(await inputsOf(bom('efbbbf', Buffer.from(lines)))).toEqual(want)
    expect(await inputsOf(bom('fffe', Buffer.from(lines, 'utf16le')))).toEqual(want)
    expect(await inputsOf(bom('feff', iconv.encode(lines, 'utf16be')))).toEqual(want)
    expect(await inputsOf(Buffer.from(lines))).toEqual(want)
  })

  it('reads a followed file (--growing) by its BOM too, a character cut between reads kept whole', async () => {
    const want = ['C:\\Users\\zoë\\a.txt', '字 b.txt']
    expect(await inputsOf(bom('fffe', Buffer.from(lines, 'utf16le')), true)).toEqual(want)
    expect(await inputsOf(bom('efbbbf', Buffer.from(lines)), true)).toEqual(want)
    // 64 KiB reads: a three-byte character across the first boundary.
    const long = `${'a'.repeat(64 * 1024 - 1)}字\nb\n`
    expect(await inputsOf(Buffer.from(long), true)).toEqual([`${'a'.repeat(64 * 1024 - 1)}字`, 'b'])
  })

  it("decodes output in the console's code page when it is not UTF-8, and leaves UTF-8 alone", () => {
    expect(decodeOutput(iconv.encode('Größe: 5 Kč\r\n', 'cp852'), 852)).toBe('Größe: 5 Kč\r\n')
    expect(decodeOutput(iconv.encode('Verzeichnis von C:\\Übung', 'cp850'), 850)).toBe('Verzeichnis von C:\\Übung')
    expect(decodeOutput(Buffer.from('Übung 字'), 850)).toBe('Übung 字')
    // An excerpt cut inside a character is still UTF-8.
    expect(decodeOutput(Buffer.from('Übung 字').subarray(0, 8), 850)).toBe('Übung \uFFFD')
    expect(decodeOutput(Buffer.from([0xff]), null)).toBe('\uFFFD')
  })

  it.runIf(process.platform === 'win32')("reads Windows' OEM code page", () => {
    expect(consoleCodePage()).toBeGreaterThan(0)
  })
})
