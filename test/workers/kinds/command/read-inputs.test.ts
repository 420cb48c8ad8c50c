import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readInputs } from '../../../../src/workers/kinds/command/read-inputs'
import { tempDir } from '../../../support/test-farm'
import { gnuParallel } from '../../../support/gnu-parallel'

const dir = tempDir('tf-inputs-')
afterAll(() => dir.remove())

async function read(input: Parameters<typeof readInputs>[0]): Promise<string[]> {
  const out: string[] = []
  for await (const lines of readInputs(input, new AbortController().signal)) out.push(...lines)
  return out
}

describe('the inputs of a command job', () => {
  const text = 'a\n\n \t \nb c\r\n\r\n  d  \n'

  it('skips blank lines of a file, empty or white space only, as GNU parallel -r does', async () => {
    const path = join(dir.path, 'inputs.txt')
    writeFileSync(path, text)
    expect(await read({ type: 'file', path })).toEqual(['a', 'b c', '  d  '])
    expect(await read({ type: 'file', path, growing: true })).toEqual(['a', 'b c', '  d  '])
    // Without the \r: parallel keeps it in the word, where a line of a Windows file loses it here.
    const gnu = gnuParallel(['-k', '-r', 'echo', '[{}]'], text.replace(/\r/g, ''))
    // Null: GNU parallel is not installed.
    if (gnu !== null) expect(gnu.trimEnd().split('\n')).toEqual(['[a]', '[b c]', '[  d  ]'])
  })

  it('reads a large file in batches, with a line ending cut between two of them', async () => {
    // 60,000 lines of Windows endings span many 64 KiB reads; some cut a \r\n in two.
    const lines = Array.from({ length: 60_000 }, (_, i) => `input ${i}`)
    const path = join(dir.path, 'many.txt')
    writeFileSync(path, lines.join('\r\n') + '\r\nold mac\rline\n')
    const batches: string[][] = []
    for await (const batch of readInputs({ type: 'file', path }, new AbortController().signal)) batches.push(batch)
    expect(batches.length).toBeGreaterThan(1)
    expect(batches.length).toBeLessThan(100) // batches, not a promise per line
    expect(batches.flat()).toEqual([...lines, 'old mac', 'line'])
  })

  it('takes a list as given, empty words included, as parallel does with :::', async () => {
    expect(await read({ type: 'list', values: ['a', '', 'b'] })).toEqual(['a', '', 'b'])
  })
})
