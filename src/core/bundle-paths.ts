import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** `out/node` (the headless bundles), whether this code runs from an entry bundle there or from one of its shared chunks. */
function nodeBundleDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  return basename(here) === 'chunks' ? dirname(here) : here
}

/** The bundled worker entry the farm forks (out/node/worker.js). */
export const bundledWorkerEntry = (): string => join(nodeBundleDir(), 'worker.js')
/** The built renderer (out/renderer), from electron-vite or vite.renderer.config.ts. */
export const builtRendererDir = (): string => join(nodeBundleDir(), '..', 'renderer')
