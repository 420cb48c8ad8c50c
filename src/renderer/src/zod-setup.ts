import { z } from 'zod'

// The window's CSP forbids eval, and zod would otherwise try `new Function` to speed up parsing
// (logging a CSP violation each time). Imported first, so it runs before any schema is built.
z.config({ jitless: true })
