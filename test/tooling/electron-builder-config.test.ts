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
  toolsets?: { appimage?: string }
  publish: { provider: string }[]
  linux: { target: string[]; icon: string; syncDesktopName?: boolean; mimeTypes: string[] }
  deb: { depends: string[] }
  win: { target: string[]; icon: string }
  mac: {
    target: { target: string; arch: string[] }[]
    icon: string
    identity?: string | null
    hardenedRuntime?: boolean
    entitlements: string
    entitlementsInherit: string
    extendInfo: { CFBundleDocumentTypes: { CFBundleTypeName: string; LSItemContentTypes: string[] }[] }
  }
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
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**')
  })

  it('names the app "Task Farm" where Electron reads it (app.name, userData), and one .desktop name on Linux', () => {
    expect(pkg.productName).toBe(appName)
    expect(config.productName ?? pkg.productName).toBe(appName)
    expect(pkg.desktopName).toBe(`${pkg.name}.desktop`)
    expect(config.linux.syncDesktopName).toBe(true)
  })

  it('builds a DMG for Intel Macs too, not only for the runner’s own arm64', () => {
    expect(config.mac.target).toEqual([
      { target: 'dmg', arch: ['x64', 'arm64'] },
      // electron-updater's macOS update is the zip.
      { target: 'zip', arch: ['x64', 'arm64'] },
    ])
  })

  it('builds the AppImage on the current (static, FUSE-3-free) runtime, not the legacy FUSE 2 one', () => {
    // AppImageTarget.js: `appimageTool == null || "0.0.0"` → buildLegacyFuse2AppImage (needs libfuse.so.2).
    expect(config.toolsets?.appimage).toBeDefined()
    expect(config.toolsets?.appimage).not.toBe('0.0.0')
  })

  it('declares the glibc and libstdc++ the Linux native module needs in the deb', () => {
    expect(config.deb.depends).toEqual(expect.arrayContaining(['libc6 (>= 2.34)', 'libstdc++6 (>= 11)']))
    // `depends` replaces electron-builder's list, so Electron's own libraries stay in it.
    expect(config.deb.depends).toEqual(expect.arrayContaining(['libgtk-3-0', 'libnss3', 'libnotify4']))
  })

  it('declares folders and URL lists as document types, so the Dock delivers them as open-file', () => {
    const types = config.mac.extendInfo.CFBundleDocumentTypes
    expect(types.flatMap((type) => type.LSItemContentTypes)).toEqual(
      expect.arrayContaining(['public.folder', 'public.plain-text']),
    )
    expect(config.linux.mimeTypes).toEqual(expect.arrayContaining(['inode/directory', 'text/uri-list']))
  })

  it('signs under the hardened runtime with the entitlements Electron needs; keys come from the environment', () => {
    expect(config.mac.hardenedRuntime).toBe(true)
    // No identity in the file: CSC_LINK's Developer ID when set, else scripts/dist.mjs asks for ad hoc ('-').
    expect(config.mac.identity).toBeUndefined()
    const plist = readFileSync(join(root, config.mac.entitlements), 'utf8')
    for (const key of ['allow-jit', 'allow-unsigned-executable-memory', 'disable-library-validation'])
      expect(plist).toMatch(new RegExp(`<key>com\\.apple\\.security\\.cs\\.${key}</key>\\s*<true/>`))
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements)
    expect(config.publish).toEqual([expect.objectContaining({ provider: 'github' })])
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
    for (const tray of ['tray-on-light.png', 'tray-on-dark.png', 'trayTemplate.png', 'trayTemplate@2x.png']) {
      expect(magic(`resources/${tray}`, 8)).toBe('89504e470d0a1a0a')
    }
    for (const tray of ['tray-on-light.ico', 'tray-on-dark.ico']) expect(magic(`resources/${tray}`, 4)).toBe('00000100')
  })

  it('gives Linux a .desktop entry (electron-builder’s own, from this config) that opens folders and URL lists', async () => {
    // What AppImageTarget writes into the AppImage, computed by its own code on a packager stand-in.
    const { default: AppImageTarget } = require('app-builder-lib/out/targets/appimage/AppImageTarget') as {
      default: new (...args: unknown[]) => { desktopEntry: { value: Promise<string> } }
    }
    const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper') as {
      LinuxTargetHelper: new (packager: unknown) => unknown
    }
    const packager = {
      config,
      platformSpecificBuildOptions: config.linux,
      fileAssociations: [],
      executableName: pkg.name,
      info: { metadata: pkg },
      appInfo: { productName: pkg.productName, sanitizedProductName: pkg.productName, buildVersion: '0.1.0' },
    }
    const entry = await new AppImageTarget(null, packager, new LinuxTargetHelper(packager), '/tmp').desktopEntry.value
    expect(entry).toMatch(/^MimeType=inode\/directory;text\/uri-list;/m)
    // %U: file managers pass file:// URIs, which droppedPathsFromArgv decodes.
    expect(entry).toMatch(/^Exec=AppRun %U$/m)
    expect(entry).toMatch(/^StartupWMClass=task-farm$/m)
  })

  it('writes the folder and URL-list document types into the app’s Info.plist (electron-builder’s own merge)', async () => {
    // MacPackager.applyCommonInfo is what fills Info.plist; run on a stand-in for the packager, it
    // needs no Electron.app. The result is serialised as the .app's Info.plist is.
    const { MacPackager } = require('app-builder-lib/out/macPackager') as {
      MacPackager: { prototype: { applyCommonInfo(plist: object, contents: string): Promise<void> } }
    }
    const plist = require('plist') as { build(value: object): string; parse(xml: string): unknown }
    const appPlist: Record<string, unknown> = { CFBundleExecutable: 'Electron', CFBundleName: 'Electron' }
    const packager = {
      appInfo: { productFilename: 'Task Farm', productName: 'Task Farm', version: '0.1.0', buildVersion: '0.1.0' },
      platformSpecificBuildOptions: config.mac,
      config,
      getIconPath: async () => null,
    }
    await MacPackager.prototype.applyCommonInfo.call(packager, appPlist, '/nonexistent/Contents')
    const infoPlist = plist.parse(plist.build(appPlist)) as {
      CFBundleName: string
      CFBundleDocumentTypes: { CFBundleTypeRole: string; LSItemContentTypes: string[] }[]
    }
    expect(infoPlist.CFBundleName).toBe('Task Farm')
    const folder = infoPlist.CFBundleDocumentTypes.find((type) => type.LSItemContentTypes.includes('public.folder'))
    expect(folder?.CFBundleTypeRole).toBe('Viewer')
    expect(infoPlist.CFBundleDocumentTypes.flatMap((type) => type.LSItemContentTypes)).toContain('public.plain-text')
  })
})
