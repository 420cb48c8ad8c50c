import type IconvLite from 'iconv-lite'
import { createRequire } from 'node:module'

let loaded: typeof IconvLite | undefined

/**
 * iconv-lite, loaded by its first use: only text in an encoding Node cannot decode itself needs it (a
 * page in Shift_JIS, a Windows console's code page, a UTF-16BE input file), and its first use loads
 * every encoding it knows (~8-11 ms), which each URL and command worker paid as it started. Required,
 * not imported: Node scans an imported CommonJS package for its exports first.
 */
export function iconvLite(): typeof IconvLite {
  return (loaded ??= createRequire(import.meta.url)('iconv-lite') as typeof IconvLite)
}
