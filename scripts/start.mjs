// `npm start`: the desktop app (`electron-vite preview`: the built app in Electron). Where Electron
// cannot run (no display, no binary and no way to fetch it) it says so in one line and serves the
// same window in the browser instead (`task-farm serve`, arguments passed on), so
// `npm install && npm start` runs the product on any machine.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { electronBinary, whyElectronCannotRun } from './electron-binary.mjs'

const root = resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)
const run = (command, commandArgs) =>
  spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status

let why = whyElectronCannotRun({ platform: process.platform, env: process.env, binary: electronBinary(root) })
if (why && why !== 'there is no display') {
  // The electron package fetches its binary on first use; try that once before giving up.
  console.log('start: fetching Electron…')
  run(bin('install-electron'), [])
  why = whyElectronCannotRun({ platform: process.platform, env: process.env, binary: electronBinary(root) })
}

if (!why) {
  process.exitCode = run(bin('electron-vite'), ['preview', ...args]) ?? 1
} else {
  console.log(
    `start: Electron cannot run here (${why}); serving the same window in the browser instead (task-farm serve).`,
  )
  const ownPage = args.includes('--renderer-dir')
  if (
    !existsSync(join(root, 'out', 'node', 'cli.js')) ||
    (!ownPage && !existsSync(join(root, 'out', 'renderer', 'index.html')))
  ) {
    const built = run('npm', ['run', 'build'])
    if (built !== 0) process.exit(built ?? 1)
  }
  const serve = spawn(process.execPath, [join(root, 'bin', 'task-farm.js'), 'serve', ...args], { stdio: 'inherit' })
  // Ctrl+C or a kill reaches serve, which stops its jobs and exits; this script follows it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => serve.kill(signal))
  serve.on('exit', (code, signal) => (process.exitCode = code ?? (signal ? 1 : 0)))
}
