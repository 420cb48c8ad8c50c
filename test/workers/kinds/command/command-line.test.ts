import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { argvFor, displayLine, replacementFor, shellLineFor } from '../../../../src/shared/kinds/command-line'
import { parseHalt } from '../../../../src/shared/kinds/command'
import { gnuParallel } from '../../../support/gnu-parallel'

describe("GNU parallel's replacement strings", () => {
  it('fills {} {.} {/} {//} {/.} {#} as parallel does', () => {
    const input = 'photos/2024/cat.large.jpg'
    const fill = (token: string): string => replacementFor(token, input, 7)
    expect(['{}', '{.}', '{/}', '{//}', '{/.}', '{#}'].map(fill)).toEqual([
      input,
      'photos/2024/cat.large',
      'cat.large.jpg',
      'photos/2024',
      'cat.large',
      '7',
    ])
    expect(replacementFor('{//}', 'cat.jpg', 1)).toBe('.')
    expect(replacementFor('{.}', 'dir.d/file', 1)).toBe('dir.d/file')
    expect(replacementFor('{.}', '.hidden', 1)).toBe('.hidden')
  })

  // Decided against GNU parallel (20221122 here) where it differs; each difference is said in `run --help`.
  const tokens = ['{.}', '{/}', '{//}', '{/.}']
  const inputs = [
    'a.txt',
    'x/y.tar.gz',
    '/abs',
    'noext',
    '.a.b',
    'dir/',
    'dir/sub/',
    '/',
    '//x',
    'a//b',
    'dir//',
    '/x/',
  ]
  /** A dotfile has no extension here (Python's splitext agrees); parallel takes its whole name for one. */
  const dotfiles: Record<string, string[]> = {
    '.hidden': ['.hidden', '.hidden', '.', '.hidden'],
    'dir/.hidden': ['dir/.hidden', '.hidden', 'dir', '.hidden'],
  }

  it('fills {.} {/} {//} {/.} of folders, roots and doubled slashes as GNU parallel does', () => {
    const ours = inputs.map((input) => tokens.map((t) => replacementFor(t, input, 1)).join('|'))
    expect(ours.slice(5, 7)).toEqual(['dir/||.|', 'dir/sub/||dir|'])
    const gnu = gnuParallel(['-k', 'echo', tokens.join('|'), ':::', ...inputs])
    // Null: GNU parallel is not installed, and the figures above (taken from it) still hold.
    if (gnu !== null) expect(ours).toEqual(gnu.split('\n').slice(0, inputs.length))
  })

  it('keeps a dotfile whole in {.} and {/.}, where GNU parallel gives an empty word', () => {
    for (const [input, expected] of Object.entries(dotfiles))
      expect(tokens.map((t) => replacementFor(t, input, 1))).toEqual(expected)
  })

  it('passes an input as one argument, appended when the command has no replacement string', () => {
    expect(argvFor(['convert', '{}', 'out/{/.}.png'], 'a b/c.jpg', 1)).toEqual(['convert', 'a b/c.jpg', 'out/c.png'])
    expect(argvFor(['gzip', '-9'], 'x; rm -rf ~', 1)).toEqual(['gzip', '-9', 'x; rm -rf ~'])
  })

  // POSIX only: it runs /bin/sh; cmd.exe's quoting is checked in windows-command-line.test.ts.
  it.skipIf(process.platform === 'win32')(
    'quotes every input for sh with --shell, so the shell sees it as plain text',
    () => {
      const nasty = `it's $(echo pwned) "a b" ; echo no`
      const line = shellLineFor(['printf', '%s', '{}'], nasty, 1, 'posix')
      expect(execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' })).toBe(nasty)
      expect(shellLineFor(['echo'], 'a b', 1, 'posix')).toBe(`echo 'a b'`)
      expect(displayLine(['echo', '{}', '{#}'], 'a b', 3, false)).toBe(`echo 'a b' 3`)
    },
  )

  it("reads --halt's soon,fail=N and now,fail=N", () => {
    expect(parseHalt('soon,fail=3')).toEqual({ when: 'soon', fail: 3 })
    expect(parseHalt('now,fail=1')).toEqual({ when: 'now', fail: 1 })
    expect(parseHalt('later,fail=1')).toBeNull()
    expect(parseHalt('now,fail=0')).toBeNull()
  })
})
