// Bundles the headless entry points (CLI, worker, web host) into out/node for Node 22.
// Dependencies stay external: they load from node_modules (better-sqlite3 is native), except zod and
// the packages of `bundledPackages`, which each took a run longer to resolve, scan and compile than
// their bundled copy.
import { build } from 'esbuild'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { takeBuiltinsWithoutFacade } from './builtin-imports.mjs'
import {
  msgpackrExtract,
  msgpackrExtractStub,
  undiciHttp2Client,
  undiciHttp2Stub,
  workerPackages,
} from './bundled-packages.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const entries = {
  cli: 'src/cli/index.ts',
  worker: 'src/workers/worker-entry.ts',
  host: 'src/host/index.ts',
}
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(root + file)))

/**
 * Packages bundled with our code: those a worker's jobs load (`workerPackages`, each with what it cost),
 * and the CLI's own (each measured loading on its own, with the compile cache on):
 * - bullmq and ioredis: as ~250 ESM modules they took a `--redis` run ~115 ms to load;
 * - commander: its own imports of node:fs, node:util and node:process built their ES-module faces
 *   (see builtin-imports.mjs), ~10 ms of every command's start;
 * - msgpackr (BullMQ's), without its native addon: see `msgpackrExtract`.
 */
const bundledPackages = new Set(['bullmq', 'ioredis', 'msgpackr', 'commander', ...workerPackages])
const packageName = (path) =>
  path
    .split('/')
    .slice(0, path.startsWith('@') ? 2 : 1)
    .join('/')

const result = await build({
  absWorkingDir: root,
  metafile: true,
  entryPoints,
  outdir: 'out/node',
  bundle: true,
  // Shared code and each job kind's handler go in chunks of their own, loaded when first needed.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // ES modules where a bundled package has them: esbuild then leaves out what is never imported.
  mainFields: ['module', 'main'],
  plugins: [externalExceptBundled()],
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __tfCreateRequire } from 'node:module'; const require = __tfCreateRequire(import.meta.url);",
  },
})

// Node's modules without their ES-module face: see builtin-imports.mjs.
for (const file of Object.keys(result.metafile.outputs).filter((name) => name.endsWith('.js'))) {
  const path = join(root, file)
  writeFileSync(path, takeBuiltinsWithoutFacade(readFileSync(path, 'utf8')))
}

// Chunks are named by their content's hash, so each build leaves the last one's behind: without this,
// out/node (and an app packaged from it) would hold every chunk ever built. A process still running
// an older build must be restarted, as after any change of its code.
const built = new Set(Object.keys(result.metafile.outputs).map((file) => relative('out/node', file)))
for (const name of readdirSync(join(root, 'out/node/chunks'))) {
  if (!built.has(`chunks/${name}`) && name !== 'package.json') rmSync(join(root, 'out/node/chunks', name))
}

// Node looks for the package.json that says how to load each module, folder by folder up from it, and
// does not remember a folder that has none: without these, a CLI run tried three missing files for each
// of its fifty-odd chunks before it reached the project's.
for (const folder of ['out/node', 'out/node/chunks']) {
  writeFileSync(join(root, folder, 'package.json'), '{ "type": "module", "private": true }\n')
}

/**
 * Every package import stays external but zod's and `bundledPackages`', bundled (and tree-shaken) with our code. Of
 * its error messages only English is kept: the rest were 40 % of the bundle, and nothing here uses them.
 */
function externalExceptBundled() {
  return {
    name: 'external-except-bundled',
    setup(b) {
      // undici's HTTP/2 client, never used here: see bundled-packages.mjs.
      b.onLoad({ filter: undiciHttp2Client }, () => ({ contents: undiciHttp2Stub, loader: 'js' }))
      b.onResolve({ filter: msgpackrExtract }, () => ({ path: 'msgpackr-extract', namespace: 'stub' }))
      b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: msgpackrExtractStub, loader: 'js' }))
      b.onLoad({ filter: /zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
        contents: 'export { default as en } from "./en.js"\n',
        loader: 'js',
      }))
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point' || args.path === 'zod' || args.path.startsWith('zod/')) return undefined
        const name = packageName(args.path)
        if (bundledPackages.has(name)) return undefined
        // What a bundled package needs comes with it.
        if (/[\\/]node_modules[\\/]/.test(args.importer)) return undefined
        return { path: args.path, external: true }
      })
    },
  }
}
