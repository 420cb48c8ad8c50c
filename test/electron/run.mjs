// `npm run test:electron`: the built app under Playwright's Electron support, where Electron's
// binary exists (a developer's machine, the desktop CI jobs). Elsewhere it says so in one line
// and exits 0 without claiming anything.
import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { electronBinary } from '../../scripts/electron-binary.mjs'

const root = resolve(import.meta.dirname, '../..')
const binary = electronBinary(root)
if (!binary) {
  console.log(
    'test:electron: skipped, no Electron binary on this machine (npx install-electron fetches it); nothing was checked.',
  )
  process.exit(0)
}

const run = (command, args) =>
  spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1
const built = run('npm', ['run', 'build'])
if (built !== 0) process.exit(built)
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
process.exitCode =
  spawnSync(process.execPath, [vitest, 'run', '--config', 'test/electron/vitest.config.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TASK_FARM_ELECTRON: binary },
  }).status ?? 1
