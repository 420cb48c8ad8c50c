// `npm run dist`: electron-builder for the OS it runs on, signed when the keys are in the
// environment (scripts/signing-plan.mjs), and saying so in one line before it starts.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { signingPlan } from './signing-plan.mjs'

const plan = signingPlan(process.env, process.platform)
console.log(`dist: ${plan.notice}`)
const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js')
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2), ...plan.args], { stdio: 'inherit' })
process.exitCode = result.status ?? 1
