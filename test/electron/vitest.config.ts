import { defineConfig } from 'vitest/config'

// The launch test only: started by test/electron/run.mjs, never by `npm test` (its files end in
// .e2e.ts, which the main config's `test/**/*.test.ts` does not pick up).
export default defineConfig({
  test: {
    include: ['test/electron/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
