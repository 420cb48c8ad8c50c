#!/usr/bin/env node
// `npm run fuzz -- --seconds 600 --seed 42`: the fuzz suites of test/fuzz for a while instead of
// their fixed counts (2,000 contract calls per transport, 400 HTTP requests). Prints the seed so a failure can be replayed.
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '600' }, seed: { type: 'string' } },
})
const seconds = Number(values.seconds)
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed)
if (!Number.isFinite(seconds) || seconds <= 0 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--seconds S] [--seed N]')
  process.exit(2)
}
console.log(`fuzzing every transport for ${seconds} s in all, seed ${seed}`)
// The contract suite runs for the time given; the HTTP one (the page, assets, /export) by count.
const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/fuzz/'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    FUZZ_SECONDS: String(seconds),
    FUZZ_SEED: String(seed),
    FUZZ_HTTP_RUNS: String(Math.max(400, seconds * 10)),
  },
})
if (run.status !== 0) console.error(`fuzz failed; replay with: npm run fuzz -- --seconds ${seconds} --seed ${seed}`)
process.exit(run.status ?? 1)
