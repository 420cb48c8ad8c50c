#!/usr/bin/env node
// The `task-farm` command. It checks the Node version first, so an old Node gets one clear line
// instead of a crash inside the native SQLite module.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `task-farm needs Node.js 22.12 or newer (this is ${process.version}). ` +
      'Run it through npm (`npx task-farm …`) in the project folder, which uses the Node 22 it installs.',
  )
  process.exit(2)
}
// Node keeps compiled code on disk between runs: a noticeably faster start for the CLI and its workers,
// which inherit the setting through NODE_COMPILE_CACHE.
const { enableCompileCache } = await import('node:module')
const cache = enableCompileCache?.()
if (cache?.directory) process.env.NODE_COMPILE_CACHE ??= cache.directory
await import('../out/node/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('out/node/cli.js')) {
    console.error('task-farm is not built yet: run `npm run build` first.')
    process.exit(2)
  }
  throw error
})
