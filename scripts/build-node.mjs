// Bundles the headless entry points (CLI, worker, web host) into out/node for Node 22.
// Dependencies stay external: they load from node_modules (better-sqlite3 is native).
import { build } from 'esbuild'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const entries = {
  cli: 'src/cli/index.ts',
  worker: 'src/workers/worker-entry.ts',
  host: 'src/host/index.ts',
}
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(root + file)))

await build({
  absWorkingDir: root,
  entryPoints,
  outdir: 'out/node',
  bundle: true,
  // Shared code and each job kind's handler go in chunks of their own, loaded when first needed.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __tfCreateRequire } from 'node:module'; const require = __tfCreateRequire(import.meta.url);",
  },
})
