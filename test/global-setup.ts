import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { lookForSuitePrograms } from './support/suite-requirements'

export default async function setup(): Promise<void> {
  // The CLI keeps Node's compile cache under the temporary folder unless told where: the processes the
  // tests start keep it with the checkout's other caches, so a run leaves nothing in TMPDIR.
  process.env.NODE_COMPILE_CACHE ??= resolve('node_modules/.cache/node-compile-cache')
  // electron-builder's config loader (jiti) would cache its transpiled files in TMPDIR/jiti.
  process.env.JITI_FS_CACHE ??= 'false'
  // Tests fork the real bundled worker and CLI, so they are built once before the run.
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' })
  // The programs some suites need from outside Node, looked for once; the test files read the answer
  // from the environment they inherit.
  const { variables, lines } = await lookForSuitePrograms(resolve('node_modules/.cache/task-farm-tests'))
  Object.assign(process.env, variables)
  for (const line of lines) console.log(line)
}
