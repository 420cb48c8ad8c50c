import { join, resolve } from 'node:path'

/**
 * What makes a CLI run list the modules it and its workers load (`test/fixtures/list-loaded-modules.mjs`,
 * through NODE_OPTIONS, which the workers inherit): the environment to run it with, and the file it
 * writes, in `dir` (with `.farmer`, `.workers`, `.worker-packages`, `.worker-builtins` beside it).
 */
export function listingLoads(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): { loadedFile: string; env: NodeJS.ProcessEnv } {
  const loadedFile = join(dir, 'loaded.txt')
  const hook = resolve('test/fixtures/list-loaded-modules.mjs')
  return { loadedFile, env: { ...env, TASK_FARM_LOADED_FILE: loadedFile, NODE_OPTIONS: `--import ${hook}` } }
}
