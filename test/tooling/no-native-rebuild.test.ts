import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'

describe('npm install on a fresh machine', () => {
  it('never rebuilds better-sqlite3 from source: its prebuilt binaries serve Node and Electron', () => {
    // The package holds a binding.gyp, so npm runs an implicit `node-gyp rebuild` unless told not to:
    // on a machine without build tools, or without Node's headers from the network (an empty HOME
    // here), `npm install` then fails for every new user.
    const root = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'))
    const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}.node`)
    expect(existsSync(join(root, 'binding.gyp'))).toBe(true)
    expect(existsSync(prebuilt), prebuilt).toBe(true)
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { allowScripts?: Record<string, boolean> }
    expect(manifest.allowScripts?.['better-sqlite3']).toBe(false)
  })
})
