#!/usr/bin/env node
// `npm run fuzz -- --seconds 600 --seed 42 [--suite contract|model|all]`: the fuzz suites of test/fuzz
// for a while instead of their fixed counts (2,000 contract calls per transport: IPC, WebSocket,
// control endpoint; 400 HTTP requests), then the farm's model (test/model: random jobs, controls and
// kills against a served farm) for as long. Prints the seed so a failure can be replayed.
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    seed: { type: 'string' },
    suite: { type: 'string', default: 'all' },
  },
})
const seconds = Number(values.seconds)
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed)
if (
  !Number.isFinite(seconds) ||
  seconds <= 0 ||
  !Number.isInteger(seed) ||
  !['all', 'contract', 'model'].includes(values.suite)
) {
  console.error('usage: npm run fuzz -- [--seconds S] [--seed N] [--suite all|contract|model]')
  process.exit(2)
}
const vitest = (files, env) =>
  spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...files], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  }).status ?? 1

let failed = 0
if (values.suite !== 'model') {
  console.log(`fuzzing every transport for ${seconds} s in all, seed ${seed}`)
  // The contract suite runs for the time given; the HTTP one (the page, assets, /export) by count.
  failed ||= vitest(['test/fuzz/'], {
    FUZZ_SECONDS: String(seconds),
    FUZZ_SEED: String(seed),
    FUZZ_HTTP_RUNS: String(Math.max(400, seconds * 10)),
  })
}
if (values.suite !== 'contract') {
  console.log(`running the farm's model for ${seconds} s, seed ${seed}`)
  failed ||= vitest(['test/model/farm-model.test.ts'], {
    TASK_FARM_MODEL_SECONDS: String(seconds),
    TASK_FARM_MODEL_SEED: String(seed),
    TASK_FARM_MODEL_RUNS: '100000',
    TASK_FARM_MODEL_SHRINK: '1',
    TASK_FARM_MODEL_STEPS: process.env.TASK_FARM_MODEL_STEPS ?? '20',
  })
}
if (failed)
  console.error(`fuzz failed; replay with: npm run fuzz -- --seconds ${seconds} --seed ${seed} --suite ${values.suite}`)
process.exit(failed)
