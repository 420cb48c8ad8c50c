import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { listingLoads } from '../support/listed-loads'
import { tempDir } from '../support/test-farm'
import { cliEntry } from './copy-cli-helpers'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const clean of cleanups.splice(0)) clean()
})

describe('a short job command', () => {
  it('loads neither the HTML parser, the CSV writer, process stats nor the contract it never uses, nor its workers the spec schemas', () => {
    const dir = tempDir('task-farm-imports-')
    cleanups.push(() => dir.remove())
    const { loadedFile, env } = listingLoads(dir.path)
    // NODE_OPTIONS reaches the workers too; one worker, which runs the unit and stops politely.
    const run = spawnSync(
      process.execPath,
      [cliEntry, '--db', join(dir.path, 'h.sqlite'), 'probe', '--count', '1', '--workers', '1'],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env,
      },
    )
    expect([run.status, run.stderr]).toEqual([0, ''])
    const packages = new Set(
      readFileSync(loadedFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((f) => f.split('/')[0]),
    )
    expect([...packages]).toEqual(['better-sqlite3']) // the rest come bundled
    for (const unused of ['css-select', 'htmlparser2', 'domutils', 'csv-stringify', 'pidusage'])
      expect(packages.has(unused), unused).toBe(false)
    // No other command reached it, so the contract's schemas and handlers were never loaded (each bundle
    // file names the sources it holds). Its code is listening: the control server is there.
    const farmerFiles = readFileSync(`${loadedFile}.farmer`, 'utf8').split('\n').filter(Boolean)
    const sources = farmerFiles.map((file) => readFileSync(file, 'utf8')).join('\n')
    expect(sources).toContain('// src/host/control-server.ts')
    for (const unused of ['src/shared/api.ts', 'src/core/api-handlers.ts', 'src/host/control-session.ts'])
      expect(sources.includes(`// ${unused}`), unused).toBe(false)
    // Its workers load none of the spec schemas (zod is bundled: a chunk that defines its types).
    const workerFiles = new Set(readFileSync(`${loadedFile}.workers`, 'utf8').split('\n').filter(Boolean))
    expect(workerFiles.size).toBeGreaterThan(0)
    for (const file of workerFiles) expect(readFileSync(file, 'utf8').includes('$ZodType'), file).toBe(false)
  }, 90_000)
})

describe('a URL job of UTF-8 pages that neither extracts, reads robots.txt nor reads a CSV', () => {
  it('loads no selector engine, robots.txt parser, CSV parser or other encodings, in the farmer or its workers', async () => {
    const dir = tempDir('task-farm-imports-')
    cleanups.push(() => dir.remove())
    const server = createServer((_, res) =>
      res.end('<html><head><title>t</title></head><body><h1>h</h1><a href="/x">x</a></body></html>'),
    )
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
    cleanups.push(() => server.close())
    const { port } = server.address() as AddressInfo
    const list = join(dir.path, 'urls.txt')
    writeFileSync(list, `http://127.0.0.1:${port}/a\nhttp://127.0.0.1:${port}/b\n`)
    const { loadedFile, env } = listingLoads(dir.path)
    // Asynchronous: the page server answers on this process's event loop.
    const child = spawn(process.execPath, [cliEntry, '--db', join(dir.path, 'h.sqlite'), 'urls', list], {
      env,
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)))
    const code = await new Promise((exited) => child.on('exit', exited))
    expect([code, stderr]).toEqual([0, ''])
    const packagesOf = (file: string): Set<string> =>
      new Set(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((f) => f.split('/')[0]!),
      )
    const farmer = packagesOf(loadedFile)
    const workers = packagesOf(`${loadedFile}.worker-packages`)
    // The HTML parser and HTTP client come bundled; only the native SQLite module from node_modules.
    expect([...workers]).toEqual(['better-sqlite3'])
    for (const unused of ['css-select', 'robots-parser', 'csv-parse', 'iconv-lite']) {
      expect(farmer.has(unused), `farmer: ${unused}`).toBe(false)
      expect(workers.has(unused), `workers: ${unused}`).toBe(false)
    }
    // undici is bundled (each bundle file names the sources it holds): its agent and request API came,
    // its fetch, WebSocket, mocks and caches did not.
    const workerFiles = new Set(readFileSync(`${loadedFile}.workers`, 'utf8').split('\n').filter(Boolean))
    const workerSources = [...workerFiles].map((file) => readFileSync(file, 'utf8')).join('\n')
    expect(workerSources).toContain('// node_modules/htmlparser2/dist/Parser.js') // the hook saw the workers' pages
    expect(workerSources).toContain('// node_modules/undici/lib/dispatcher/agent.js')
    expect(workerSources).toContain('// node_modules/undici/lib/api/api-request.js')
    for (const unused of ['web/fetch/index.js', 'web/websocket/websocket.js', 'mock/mock-agent.js', 'cache/'])
      expect(workerSources.includes(`// node_modules/undici/lib/${unused}`), unused).toBe(false)
    // Nor Node's own copy of undici, which an `import` of node:http wakes (its `WebSocket` getter).
    const builtins = readFileSync(`${loadedFile}.worker-builtins`, 'utf8')
    expect(builtins).toContain('NativeModule internal/url') // the hook saw the workers' own modules
    expect(builtins).not.toContain('deps/undici')
    // Nor HTTP/2, which a URL job never speaks (undici's h2 client is left out of the build).
    expect(builtins).not.toContain('NativeModule http2')
  }, 90_000)
})

/** Runs a job command with the loaded-modules hook; what its workers loaded: packages and bundle files. */
function workerLoads(args: (dir: string) => string[]): { packages: string[]; files: string[] } {
  const dir = tempDir('task-farm-imports-')
  cleanups.push(() => dir.remove())
  const { loadedFile, env } = listingLoads(dir.path)
  const run = spawnSync(process.execPath, [cliEntry, '--db', join(dir.path, 'h.sqlite'), ...args(dir.path)], {
    encoding: 'utf8',
    timeout: 60_000,
    env,
  })
  expect(run.status, run.stderr).toBe(0)
  const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean)
  return {
    packages: [...new Set(lines(`${loadedFile}.worker-packages`).map((f) => f.split('/')[0]!))],
    files: [...new Set(lines(`${loadedFile}.workers`))],
  }
}

// A package imported from node_modules costs a worker its files' resolution (and, for CommonJS, a scan for
// its exports) as it starts: the pure-JavaScript ones come bundled; better-sqlite3 is native.
describe('the workers of short jobs load no package but SQLite', () => {
  it('a copy that does not verify, and no hashing code', () => {
    const { packages, files } = workerLoads((dir) => {
      mkdirSync(join(dir, 'src', 'a'), { recursive: true })
      writeFileSync(join(dir, 'src', 'a', 'f.txt'), 'x')
      return ['copy', join(dir, 'src'), join(dir, 'dst')]
    })
    expect(packages).toEqual(['better-sqlite3'])
    expect(files.some((file) => file.includes('/copy-'))).toBe(true) // the hook saw the copy's code
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain('// node_modules/hash-wasm/')
  }, 90_000)

  it('a run of commands, and no other encodings than UTF-8', () => {
    const { packages, files } = workerLoads(() => ['run', '--', process.execPath, '-e', '0', ':::', 'a', 'b'])
    expect(packages).toEqual(['better-sqlite3'])
    expect(files.some((file) => file.includes('/command-'))).toBe(true) // the hook saw the kind's code
  }, 90_000)
})

describe("every kind's worker code", () => {
  it('loads no spec schemas: zod stays in the farmer, a worker starts without building a schema', () => {
    // What a worker process loads for a kind: the kind's chunk (imported when its first task comes)
    // and every chunk it imports, followed through the built files.
    const entry = resolve('out/node/worker.js')
    const kinds = [...readFileSync(entry, 'utf8').matchAll(/import\("(\.\/chunks\/[^"]+)"\)/g)].map((m) => m[1]!)
    expect(kinds.length).toBeGreaterThanOrEqual(6) // copy, urls, probe, command, module, verify
    for (const kind of [entry, ...kinds.map((k) => resolve('out/node', k))]) {
      const seen = new Set<string>()
      const visit = (file: string): void => {
        if (seen.has(file)) return
        seen.add(file)
        for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^;]*?from\s+"(\.[^"]+)"/gms))
          visit(join(dirname(file), m[1]!))
      }
      visit(kind)
      const withSchemas = [...seen].filter((file) => readFileSync(file, 'utf8').includes('$ZodType'))
      expect(withSchemas, kind).toEqual([])
    }
  })
})
