// `npm run screenshots`: runs the real-browser test with its pictures going to docs/screenshots
// (the README's), which a plain test run never touches.
import { spawnSync } from 'node:child_process'

const run = spawnSync('npx', ['vitest', 'run', 'test/e2e'], {
  stdio: 'inherit',
  env: { ...process.env, TF_SCREENSHOTS_TO_DOCS: '1' },
  shell: process.platform === 'win32',
})
process.exit(run.status ?? 1)
