import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appName } from '../../src/core/paths'

// electron-builder's own schema check, without packaging (which would download Electron).
const require = createRequire(import.meta.url)
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>
}
const { DebugLogger } = require('builder-util/out/DebugLogger') as { DebugLogger: new (enabled: boolean) => unknown }
const yaml = require('js-yaml') as { load(text: string): unknown }

const root = join(import.meta.dirname, '../..')
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as {
  productName?: string
  npmRebuild: boolean
  asarUnpack: string[]
  linux: { target: string[]; icon: string; syncDesktopName?: boolean }
  win: { target: string[]; icon: string }
  mac: { target: string[]; icon: string; identity?: string | null; hardenedRuntime?: boolean }
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string
  productName?: string
  desktopName?: string
}

const magic = (path: string, bytes: number): string => readFileSync(join(root, path)).subarray(0, bytes).toString('hex')

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('packages every desktop target, with better-sqlite3 outside the archive', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**')
  })

  it('names the app "Task Farm" where Electron reads it (app.name, userData), and one .desktop name on Linux', () => {
    expect(pkg.productName).toBe(appName)
    expect(config.productName ?? pkg.productName).toBe(appName)
    expect(pkg.desktopName).toBe(`${pkg.name}.desktop`)
    expect(config.linux.syncDesktopName).toBe(true)
  })

  it('signs the macOS app at least ad hoc, so its notifications are delivered', () => {
    expect(config.mac.identity).toBe('-')
    // An ad-hoc signature under the hardened runtime fails library validation at launch.
    expect(config.mac.hardenedRuntime).toBe(false)
  })

  it('packs better-sqlite3 as installed: its N-API prebuild loads in Electron, no node-gyp rebuild', () => {
    expect(config.npmRebuild).toBe(false)
    const sqlite = JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8')) as {
      dependencies: Record<string, string>
    }
    expect(Object.keys(sqlite.dependencies)).toContain('node-addon-api')
  })

  it('points at icons in the format each OS wants', () => {
    expect(magic(config.linux.icon, 8)).toBe('89504e470d0a1a0a')
    expect(magic(config.win.icon, 4)).toBe('00000100')
    expect(magic(config.mac.icon, 4)).toBe(Buffer.from('icns').toString('hex'))
    for (const tray of ['tray.png', 'trayTemplate.png', 'trayTemplate@2x.png']) {
      expect(magic(`resources/${tray}`, 8)).toBe('89504e470d0a1a0a')
    }
    expect(magic('resources/tray.ico', 4)).toBe('00000100')
  })
})
