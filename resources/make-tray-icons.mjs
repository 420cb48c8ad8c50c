// Draws the tray icon (tray.svg's glyph: seven workers busy, two idle) for each kind of panel, with
// node alone (scripts/png-codec.mjs): a dark glyph for light panels, a light one for dark panels
// (Ubuntu's top bar, dark Windows taskbars), and black template images macOS tints itself.
// src/main/tray.ts picks one by nativeTheme. Run: node resources/make-tray-icons.mjs (results committed).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encodeIco, encodePng } from '../scripts/png-codec.mjs'

const here = import.meta.dirname
const filled = [
  [3, 3], [12.5, 3], [22, 3],
  [3, 12.5], [12.5, 12.5], [22, 12.5],
  [3, 22],
].map(([x, y]) => ({ x, y, size: 7, radius: 1.5 }))
const outlined = [[13.3, 22.8], [22.8, 22.8]].map(([x, y]) => ({ x, y, size: 5.4, radius: 1.2 }))
const stroke = 1.6

function inRoundedSquare(px, py, { x, y, size, radius }) {
  if (px < x || py < y || px > x + size || py > y + size) return false
  const cx = Math.min(Math.max(px, x + radius), x + size - radius)
  const cy = Math.min(Math.max(py, y + radius), y + size - radius)
  return (px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2
}
const grown = (square, by) => ({
  x: square.x - by,
  y: square.y - by,
  size: square.size + 2 * by,
  radius: Math.max(0, square.radius + by),
})
const inGlyph = (x, y) =>
  filled.some((square) => inRoundedSquare(x, y, square)) ||
  outlined.some(
    (square) => inRoundedSquare(x, y, grown(square, stroke / 2)) && !inRoundedSquare(x, y, grown(square, -stroke / 2)),
  )

/** The glyph at `size` pixels in one colour, anti-aliased by 8×8 samples per pixel. */
function draw(size, [r, g, b]) {
  const data = Buffer.alloc(size * size * 4)
  const samples = 8
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let covered = 0
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++)
          if (inGlyph(((px + (sx + 0.5) / samples) * 32) / size, ((py + (sy + 0.5) / samples) * 32) / size)) covered++
      data.set([r, g, b, Math.round((255 * covered) / samples ** 2)], (py * size + px) * 4)
    }
  }
  return encodePng({ width: size, height: size, data })
}

const variants = { 'tray-on-light': [0x1f, 0x1f, 0x1f], 'tray-on-dark': [0xf5, 0xf5, 0xf5] }
for (const [name, colour] of Object.entries(variants)) {
  writeFileSync(join(here, `${name}.png`), draw(32, colour))
  writeFileSync(join(here, `${name}.ico`), encodeIco([16, 24, 32].map((size) => ({ size, bytes: draw(size, colour) }))))
}
writeFileSync(join(here, 'trayTemplate.png'), draw(16, [0, 0, 0]))
writeFileSync(join(here, 'trayTemplate@2x.png'), draw(32, [0, 0, 0]))
