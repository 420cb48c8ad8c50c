import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodePng, pngsInIco } from '../../scripts/png-codec.mjs'

const resources = join(import.meta.dirname, '../../resources')

/** WCAG relative luminance of an sRGB colour (0 black … 1 white). */
function luminance([r, g, b]: number[]): number {
  const linear = (c: number): number => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4)
  return 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!)
}
const contrast = (a: number, b: number): number => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)

/** The icon as it looks on a panel of `panel` colour: the mean contrast of its solid pixels against it. */
function contrastOn(png: Buffer, panel: number[]): { contrast: number; solidPixels: number } {
  const { data } = decodePng(png)
  const ratios: number[] = []
  for (let i = 0; i < data.length; i += 4) {
    const alpha = data[i + 3]! / 255
    if (alpha < 0.5) continue
    const shown = [0, 1, 2].map((c) => data[i + c]! * alpha + panel[c]! * (1 - alpha))
    ratios.push(contrast(luminance(shown), luminance(panel)))
  }
  return { contrast: ratios.reduce((a, b) => a + b, 0) / ratios.length, solidPixels: ratios.length }
}

// Ubuntu's top bar, a dark Windows 11 taskbar; a light Windows taskbar, KDE's light panel.
const darkPanels = [
  [0x1d, 0x1d, 0x1d],
  [0x20, 0x20, 0x20],
]
const lightPanels = [
  [0xf3, 0xf3, 0xf3],
  [0xff, 0xff, 0xff],
]
const images = (name: string): Buffer[] => {
  const bytes = readFileSync(join(resources, name))
  return name.endsWith('.ico') ? pngsInIco(bytes) : [bytes]
}

describe('tray icons', () => {
  it.each(['tray-on-dark.png', 'tray-on-dark.ico'])('%s stands out on dark panels (≥ 4.5:1)', (name) => {
    for (const png of images(name))
      for (const panel of darkPanels) {
        const seen = contrastOn(png, panel)
        expect(seen.solidPixels).toBeGreaterThan(20)
        expect(seen.contrast).toBeGreaterThanOrEqual(4.5)
      }
  })

  it.each(['tray-on-light.png', 'tray-on-light.ico'])('%s stands out on light panels (≥ 4.5:1)', (name) => {
    for (const png of images(name))
      for (const panel of lightPanels) expect(contrastOn(png, panel).contrast).toBeGreaterThanOrEqual(4.5)
  })

  it('a pure-black icon would fail on a dark panel (the check sees what a person sees)', () => {
    expect(contrastOn(readFileSync(join(resources, 'trayTemplate@2x.png')), darkPanels[0]!).contrast).toBeLessThan(1.5)
  })

  it('keeps template images for macOS: black, the shape in alpha alone (macOS tints them)', () => {
    for (const name of ['trayTemplate.png', 'trayTemplate@2x.png']) {
      const { width, data } = decodePng(readFileSync(join(resources, name)))
      expect(width).toBe(name.includes('@2x') ? 32 : 16)
      for (let i = 0; i < data.length; i += 4) expect([data[i], data[i + 1], data[i + 2]]).toEqual([0, 0, 0])
      expect(data.filter((_, i) => i % 4 === 3 && data[i]! > 128).length).toBeGreaterThan(20)
    }
  })
})
