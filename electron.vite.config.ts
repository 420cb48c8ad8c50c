import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'
import type { Plugin } from 'vite'
import { contentSecurityPolicy } from './src/main/decisions/app-page'
import { rendererAliases } from './vite.renderer.config'
import { undiciHttp2Client, undiciHttp2Stub, workerPackages } from './scripts/bundled-packages.mjs'

const root = import.meta.dirname

/**
 * The built page carries its CSP in a `<meta>`: Electron's `onHeadersReceived` does not apply to
 * `file:` pages. Same policy as the header (src/main/decisions/app-page.ts); the dev server gets
 * the header only, which also names the dev server itself.
 */
export const cspMeta: Plugin = {
  name: 'task-farm-csp-meta',
  apply: 'build',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(null, 'meta') },
      injectTo: 'head-prepend',
    },
  ],
}

/** undici's HTTP/2 client, never used: see scripts/bundled-packages.mjs. */
const undiciWithoutHttp2: Plugin = {
  name: 'task-farm-undici-without-http2',
  load: (id) => (undiciHttp2Client.test(id) ? undiciHttp2Stub : null),
}

export default defineConfig({
  main: {
    plugins: [undiciWithoutHttp2],
    build: {
      // Dependencies (better-sqlite3 above all, it is native) load from node_modules at run time, but
      // for the pure-JavaScript packages a worker's jobs use, bundled as in the CLI's build
      // (scripts/bundled-packages.mjs). BullMQ and ioredis stay out: msgpackr, which they load, finds
      // its native binding beside itself.
      externalizeDeps: { exclude: workerPackages },
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          // The app forks out/main/worker.js as a utility process; the CLI forks out/node/worker.js.
          worker: resolve(root, 'src/workers/worker-entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only `electron`: everything else (zod, the contract) is
      // bundled into one CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    build: {
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
    plugins: [cspMeta, vue()],
    resolve: { alias: rendererAliases },
  },
})
