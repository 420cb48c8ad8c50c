import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { childProcessLauncher } from '../../src/core/child-process-worker'
import { parseExtractRule } from '../../src/shared/kinds/extract-rules'
import type { ExtractRule } from '../../src/shared/kinds/urls'
import { openTestFarm, tempDir } from '../support/test-farm'

// The app's build, made here: the desktop app runs out/main/worker.js as its workers (Electron utility
// processes), which cannot be started on these machines. The same file runs as a Node child process (its
// entry takes `process.send` when there is no parent port), so what the app's workers do is tested here.
// It is built inside the checkout: its packages load from node_modules, as in the app.
const outDir = resolve('node_modules/.cache/task-farm-app-build')
const appWorker = join(outDir, 'main/worker.js')
const hook = resolve('test/fixtures/list-loaded-modules.mjs')

let server: Server
let base = ''
const dir = tempDir('task-farm-app-worker-')

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [resolve('node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir],
    {
      stdio: 'pipe',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  )
  server = createServer((_, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(
      '<html lang="en"><head><title>T &amp; U</title></head><body><h1>Hi</h1><p class="price">12 EUR</p></body></html>',
    )
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 180_000)

afterAll(async () => {
  await new Promise((closed) => server?.close(closed))
  dir.remove()
})

describe("the desktop app's worker bundle", () => {
  it('copies with verify and analyses URLs, loading no package but SQLite and the selector engine of an extraction rule', async () => {
    const loaded = join(dir.path, 'loaded.txt')
    const src = join(dir.path, 'src')
    mkdirSync(join(src, 'sub'), { recursive: true })
    for (const name of ['a.txt', 'sub/b.txt']) writeFileSync(join(src, name), `content of ${name}\n`)
    process.env.TASK_FARM_LOADED_FILE = loaded
    const t = openTestFarm(
      { launcher: childProcessLauncher(appWorker, { execArgv: ['--import', hook] }) },
      tempDir('task-farm-app-farm-'),
    )
    try {
      const copy = await t.farm.create({
        kind: 'copy',
        sources: [src],
        destination: join(dir.path, 'dst'),
        verify: true,
      })
      expect((await t.farm.waitForEnd(copy)).state).toBe('completed')
      expect(readFileSync(join(dir.path, 'dst/src/sub/b.txt'), 'utf8')).toBe('content of sub/b.txt\n')
      // With an extraction rule: its selector engine works on the bundled parser's document.
      const extract = [parseExtractRule('price=css:.price') as ExtractRule]
      const urls = await t.farm.create({ kind: 'urls', input: { type: 'text', text: `${base}/a\n${base}/b` }, extract })
      expect((await t.farm.waitForEnd(urls)).state).toBe('completed')
      const rows = t.farm.store.items(urls, { limit: 10, offset: 0 }).items
      const results = rows.map((row) => row.result as { title: string; extracted: Record<string, unknown> })
      expect(results.map((r) => [r.title, r.extracted.price])).toEqual([
        ['T & U', '12 EUR'],
        ['T & U', '12 EUR'],
      ])
    } finally {
      // Stopped politely: each worker writes what it loaded as it exits.
      await t.farm.shutdown('graceful')
      t.dir.remove()
      delete process.env.TASK_FARM_LOADED_FILE
    }
    const packages = new Set(
      readFileSync(`${loaded}.worker-packages`, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((file) => file.split('/')[0]!)
        // The bundle itself is built under node_modules/.cache.
        .filter((name) => name !== '.cache'),
    )
    // The selector engine and its DOM utilities load for the extraction rule alone, as in the CLI; the
    // HTTP client and the parser come bundled.
    expect([...packages].sort()).toEqual([
      'better-sqlite3',
      'boolbase',
      'css-select',
      'css-what',
      'dom-serializer',
      'domelementtype',
      'domhandler',
      'domutils',
      'entities',
      'nth-check',
    ])
    // Nor Node's own HTTP/2 or its copy of undici.
    const builtins = readFileSync(`${loaded}.worker-builtins`, 'utf8')
    expect(builtins).toContain('NativeModule internal/url')
    expect(builtins).not.toContain('NativeModule http2')
    expect(builtins).not.toContain('deps/undici')
  }, 120_000)
})
