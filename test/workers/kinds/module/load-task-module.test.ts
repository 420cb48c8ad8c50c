import { chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../support/test-farm'
import { callModule } from '../../../../src/workers/kinds/module/call-module'
import { loadTaskModule, moduleUrlForSource } from '../../../../src/workers/kinds/module/load-task-module'

const shipped = tempDir('tf-shipped-modules-')
afterAll(() => shipped.remove())
const ship = (source: string, name: string) => moduleUrlForSource(source, name, shipped.path)
const context = () => ({ signal: new AbortController().signal, log: () => {}, progress: () => {} })

describe('loading a task module', () => {
  it('keeps shipped modules in a folder of this user’s own, and refuses one another user made first', async (ctx) => {
    await ship('export default () => 1\n', 'one.mjs')
    expect(statSync(shipped.path).mode & 0o777).toBe(0o700)
    if (process.getuid?.() !== 0) return ctx.skip('only root can give a folder to another user here')
    const theirs = join(shipped.path, 'planted')
    mkdirSync(theirs)
    chownSync(theirs, 54_321, 54_321)
    await expect(moduleUrlForSource('export default () => 2\n', 'two.mjs', theirs)).rejects.toThrow(
      /belongs to another user \(uid 54321\)/,
    )
  })

  it('writes a shipped module again when the file there does not hold its source (a write cut short)', async () => {
    const source = 'export default () => "whole"\n'
    const url = await ship(source, 'cut.mjs')
    writeFileSync(fileURLToPath(url), 'export default () => "cu')
    expect(await ship(source, 'cut.mjs')).toBe(url)
    expect(readFileSync(fileURLToPath(url), 'utf8')).toBe(source)
  })

  it('loads a module shipped as source, TypeScript included, and calls it', async () => {
    const source =
      'export default async function (n: number): Promise<{ square: number }> {\n  return { square: n * n }\n}\n'
    const url = await ship(source, 'remote/square.ts')
    expect(await ship(source, 'remote/square.ts')).toBe(url)
    const fn = await loadTaskModule(url, 'square.ts')
    expect(await callModule(fn, 9, context())).toEqual({ ok: true, result: { square: 81 } })
  })

  it('says what is wrong with a module that does not load or has no default function', async () => {
    await expect(loadTaskModule(await ship('export default (', 'broken.mjs'), 'broken.mjs')).rejects.toThrow(
      /The module broken\.mjs could not be loaded: /,
    )
    await expect(loadTaskModule(await ship('export const x = 1\n', 'plain.mjs'), 'plain.mjs')).rejects.toThrow(
      'The module plain.mjs has no default export function',
    )
  })

  it('keeps results JSON, and a throw or an unstorable result is that input’s failure', async () => {
    expect(await callModule(() => undefined, 1, context())).toEqual({ ok: true, result: null })
    const thrown = await callModule(
      () => {
        throw new TypeError('nope')
      },
      1,
      context(),
    )
    expect(thrown).toMatchObject({ ok: false, code: 'threw' })
    expect((thrown as { error: string }).error).toMatch(/^TypeError: nope\n\s+at /)
    expect(await callModule(() => 10n, 1, context())).toMatchObject({ ok: false, code: 'bad-result' })
    const controller = new AbortController()
    const pending = callModule(() => new Promise(() => {}), 1, { ...context(), signal: controller.signal })
    controller.abort()
    expect(await pending).toBeNull()
  })

  it('answers a plain value at once (no promise per call), as JSON would store it', async () => {
    expect(callModule((n) => (n as number) ** 2, 12, context())).toEqual({ ok: true, result: 144 })
    expect(callModule(() => Infinity, 1, context())).toEqual({ ok: true, result: null })
    expect(callModule(() => 'text', 1, context())).toEqual({ ok: true, result: 'text' })
    expect(callModule(() => ({ a: [1, undefined] }), 1, context())).toEqual({ ok: true, result: { a: [1, null] } })
    expect(callModule(async () => 3, 1, context())).toBeInstanceOf(Promise)
    expect(await callModule(async () => 3, 1, context())).toEqual({ ok: true, result: 3 })
  })
})
