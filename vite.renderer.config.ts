import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'
import { defineConfig, type AliasOptions } from 'vite'

/** `zod` in the page is zod configured jitless before any schema is built (see src/renderer/src/zod-jitless.ts). */
export const rendererAliases: AliasOptions = [
  { find: /^zod$/, replacement: fileURLToPath(new URL('src/renderer/src/zod-jitless.ts', import.meta.url)) },
]

// Builds the renderer alone, into the same out/renderer that electron-vite produces, so the
// browser host (`task-farm serve`) can serve it without building the Electron app.
export default defineConfig({
  root: fileURLToPath(new URL('src/renderer', import.meta.url)),
  base: './',
  plugins: [vue()],
  resolve: { alias: rendererAliases },
  build: {
    outDir: fileURLToPath(new URL('out/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
})
