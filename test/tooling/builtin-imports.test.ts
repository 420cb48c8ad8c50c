import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { takeBuiltinsWithoutFacade } from '../../scripts/builtin-imports.mjs'

describe("the headless build takes Node's modules without their ES-module face", () => {
  it('turns named and default imports of builtins into constants, in place', () => {
    const built = [
      "import { createRequire as __tfCreateRequire } from 'node:module'; const require = __tfCreateRequire(import.meta.url);",
      'import {',
      '  farmIsGone',
      '} from "./chunks/chunk-A.js";',
      '// src/a.ts',
      'import { readFileSync, constants as constants2 } from "node:fs";',
      'import zlib from "node:zlib";',
      'import * as path from "node:path";',
      'import { default as fs2 } from "node:fs";',
      'import { x } from "undici";',
      'const s = `',
      'import { y } from "./not-a-builtin.js";',
      '`',
    ].join('\n')
    const lines = takeBuiltinsWithoutFacade(built).split('\n')
    expect(lines).toHaveLength(13) // source maps stay right: no line moves
    expect(lines[5]).toBe(
      'const { readFileSync, constants: constants2 } = globalThis.process.getBuiltinModule("node:fs");',
    )
    expect(lines[6]).toBe('const zlib = globalThis.process.getBuiltinModule("node:zlib");')
    // The banner, other chunks, packages, namespace and `default` imports stay imports.
    for (const kept of [0, 1, 3, 7, 8, 9, 11]) expect(lines[kept]).toBe(built.split('\n')[kept])
  })

  it('leaves no named or default import of a builtin in out/node, and the CLI still runs', () => {
    const folder = resolve('out/node')
    const files = [
      ...readdirSync(folder).filter((name) => name.endsWith('.js')),
      ...readdirSync(join(folder, 'chunks'))
        .filter((name) => name.endsWith('.js'))
        .map((name) => `chunks/${name}`),
    ]
    const left = files.flatMap((file) =>
      readFileSync(join(folder, file), 'utf8')
        .split('\n')
        .filter((line) => /^import (\{[^}]*\}|[\w$]+) from "node:/.test(line) && !/\bdefault\b/.test(line))
        .map((line) => `${file}: ${line}`),
    )
    expect(left).toEqual([])
    const taken = files.filter((file) => readFileSync(join(folder, file), 'utf8').includes('.getBuiltinModule("node:'))
    expect(taken.length).toBeGreaterThan(10)
    const help = spawnSync(process.execPath, ['bin/task-farm.js', '--help'], { encoding: 'utf8', timeout: 30_000 })
    expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('Usage: task-farm')])
  })
})
