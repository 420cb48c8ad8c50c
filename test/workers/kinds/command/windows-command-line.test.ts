import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { shellLineFor } from '../../../../src/shared/kinds/command-line'
import {
  escapeCmdCommand,
  parseWindowsCommandLine,
  quoteForCmd,
  quoteWindowsArg,
} from '../../../../src/shared/kinds/windows-command-line'

/*
 * The oracle: an independent reading of the rules Microsoft documents, written apart from the code
 * under test ("Parsing C command-line arguments", `CommandLineToArgvW`, and cmd.exe's `/?`: `/s` strips
 * the first and the last quote; `%NAME%` is expanded; outside quotes `^` takes the next character
 * literally and `& | < >` end the command).
 */

/** `CommandLineToArgvW`, as a small state machine over characters. */
function argvOf(line: string): string[] {
  const out: string[] = []
  let pos = 0
  // argv[0]: quoted or up to a blank, no escapes.
  while (line[pos] === ' ' || line[pos] === '\t') pos++
  if (pos >= line.length) return out
  const quotedProgram = line[pos] === '"'
  const end = quotedProgram ? line.indexOf('"', pos + 1) : line.slice(pos).search(/[ \t]/) + pos
  const stop = end < pos ? line.length : end
  out.push(line.slice(quotedProgram ? pos + 1 : pos, stop))
  pos = stop + (quotedProgram ? 1 : 0)
  let current: string | null = null
  let inQuotes = false
  let slashes = 0
  const flushSlashes = (): void => {
    if (slashes) current = (current ?? '') + '\\'.repeat(slashes)
    slashes = 0
  }
  for (; pos < line.length; pos++) {
    const c = line[pos]!
    if (c === '\\') {
      slashes++
      continue
    }
    if (c === '"') {
      current = (current ?? '') + '\\'.repeat(Math.floor(slashes / 2))
      const literal = slashes % 2 === 1
      slashes = 0
      if (literal) current += '"'
      else if (inQuotes && line[pos + 1] === '"') {
        current += '"'
        pos++
      } else inQuotes = !inQuotes
      continue
    }
    flushSlashes()
    if (!inQuotes && (c === ' ' || c === '\t')) {
      if (current !== null) out.push(current)
      current = null
    } else current = (current ?? '') + c
  }
  flushSlashes()
  if (current !== null) out.push(current)
  return out
}

const env: Record<string, string> = { PATH: 'C:\\Windows', OS: 'Windows_NT' }

/** cmd.exe's phase 1 on a command line (not a batch file): defined `%NAME%` expanded, the rest kept. */
function expandPercent(line: string): string {
  let out = ''
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '%') {
      out += line[i]
      continue
    }
    const close = line.indexOf('%', i + 1)
    const name = close > i ? line.slice(i + 1, close).toUpperCase() : null
    if (name !== null && name in env) {
      out += env[name]
      i = close
    } else out += '%'
  }
  return out
}

/** cmd.exe's phase 2: carets and quote state; an unescaped `& | < >` outside quotes would split the command. */
function carets(line: string): string {
  let out = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (c === '"') quoted = !quoted
    if (!quoted && c === '^') {
      out += line[++i] ?? ''
      continue
    }
    if (!quoted && '&|<>'.includes(c)) throw new Error(`cmd would act on ${c} in ${line}`)
    out += c
  }
  return out
}

/** `cmd /d /s /c "<inner>"` running a program: what the program's argv is. */
function throughCmd(afterC: string): string[] {
  expect(afterC.startsWith('"') && afterC.endsWith('"')).toBe(true)
  return argvOf(carets(expandPercent(afterC.slice(1, -1))))
}

/** A batch file that hands `%*` to node.exe (npm.cmd): cmd reads the arguments a second time. */
function throughBatchShim(afterC: string): string[] {
  const first = carets(expandPercent(afterC.slice(1, -1)))
  const program = argvOf(first)[0]!
  const rest = first.slice(first.indexOf(program) + program.length + 1).replace(/^ /, '')
  // %* is substituted as it stands; the line is read again (carets, quotes), not expanded again.
  return argvOf(carets(`node.exe cli.js ${rest}`)).slice(2)
}

const named = ['D:\\d\\', 'a"b', '%PATH%', 'x&y^z', 'C:\\Tools\\x.exe', '', 'a b', '\\\\server\\share\\', '"', '\\"']
const windowsText = fc.string({ unit: fc.constantFrom(...'ab \\"%^&|<>()!,;=*?\t`'.split(''), 'é', '字') })

describe("Windows command lines (checked against an independent reading of Microsoft's rules)", () => {
  it('quotes each input so CommandLineToArgvW gives it back whole', () => {
    for (const input of named) expect(argvOf(`x.exe ${quoteWindowsArg(input)}`)).toEqual(['x.exe', input])
    fc.assert(
      fc.property(fc.array(windowsText), (words) => {
        expect(argvOf(`x.exe ${words.map(quoteWindowsArg).join(' ')}`).slice(1)).toEqual(words)
      }),
    )
  })

  it('parses a command line as CommandLineToArgvW does (the Run dialog): quote then parse is the identity', () => {
    expect(parseWindowsCommandLine('C:\\Tools\\x.exe "D:\\d\\\\" a\\"b')).toEqual([
      'C:\\Tools\\x.exe',
      'D:\\d\\',
      'a"b',
    ])
    expect(parseWindowsCommandLine('"C:\\Program Files\\x.exe" a""b "c""d"')).toEqual([
      'C:\\Program Files\\x.exe',
      'ab',
      'c"d',
    ])
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(' ', '\t', '\\', '"', 'a', 'b') }), (line) => {
        expect(parseWindowsCommandLine(line)).toEqual(argvOf(line))
      }),
      { numRuns: 2000 },
    )
    fc.assert(
      fc.property(fc.array(windowsText, { minLength: 1 }), (words) => {
        const line = `x.exe ${words.map(quoteWindowsArg).join(' ')}`
        expect(parseWindowsCommandLine(line)).toEqual(['x.exe', ...words])
      }),
    )
  })

  it('passes D:\\d\\, a"b, %PATH%, x&y^z and C:\\Tools\\x.exe through cmd.exe as one argument each', () => {
    const program = 'C:\\Program Files\\x (86)\\x.exe'
    const line = `"${escapeCmdCommand(program)} ${named.map((i) => quoteForCmd(i)).join(' ')}"`
    expect(throughCmd(line)).toEqual([program, ...named])
    fc.assert(
      fc.property(fc.array(windowsText), (words) => {
        const argv = throughCmd(`"x.exe ${words.map((w) => quoteForCmd(w)).join(' ')}"`)
        expect(argv).toEqual(['x.exe', ...words])
      }),
    )
  })

  it('escapes twice for a batch file that hands its arguments on (npm.cmd, code.cmd)', () => {
    const line = `"${escapeCmdCommand('C:\\node\\npm.cmd')} ${named.map((i) => quoteForCmd(i, true)).join(' ')}"`
    expect(throughBatchShim(line)).toEqual(named)
    fc.assert(
      fc.property(fc.array(windowsText, { minLength: 1 }), (words) => {
        const argv = throughBatchShim(`"npm.cmd ${words.map((w) => quoteForCmd(w, true)).join(' ')}"`)
        expect(argv).toEqual(words)
      }),
    )
  })

  it("quotes --shell's inputs for cmd.exe by the same rules (D:\\d\\ no longer swallows the line)", () => {
    const line = shellLineFor(['x.exe', '{}', 'after'], 'D:\\d\\', 1, 'cmd')
    expect(throughCmd(`"${line}"`)).toEqual(['x.exe', 'D:\\d\\', 'after'])
    expect(throughCmd(`"${shellLineFor(['x.exe'], '%PATH% & del x', 1, 'cmd')}"`)).toEqual(['x.exe', '%PATH% & del x'])
  })
})
