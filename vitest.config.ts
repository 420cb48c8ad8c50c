import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [vue()],
  resolve: {
    // Requiring the real `electron` downloads its binary: a test that forgot to mock it fails clearly instead.
    alias: { electron: fileURLToPath(new URL('test/support/electron-not-mocked.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests fork the real bundled worker and CLI, so they are built once before the run.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: several suites at once each forking workers would only slow each other down.
    maxWorkers: 2,
  },
})
