// What `zod` means in the renderer's bundle (vite.renderer.config.ts aliases it here). The window's CSP
// forbids eval, and zod probes `new Function("")` the first time a schema is built unless configured
// jitless first, which logs a CSP violation. Configured here, between zod and every module that imports
// it, the setting is in place before any schema is built, however the bundler splits the chunks (a
// `import './zod-setup'` placed first in main.ts ran after a shared chunk that already built schemas).
import { z } from 'zod/v4'

z.config({ jitless: true })

export * from 'zod/v4'
export { z }
export default z
