// Renders the app icon from icon.svg into each OS's format:
// icon.png (Linux), icon.ico (Windows), icon.icns (macOS). The tray icons: make-tray-icons.mjs.
// Needs rsvg-convert and ImageMagick (Debian: apt-get install -y librsvg2-bin imagemagick).
// Run: node resources/make-icons.mjs — the results are committed, so builds need neither tool.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const here = import.meta.dirname
const work = mkdtempSync(join(tmpdir(), 'icons-'))
const png = (svg, size, out) => {
  execFileSync('rsvg-convert', ['-w', String(size), '-h', String(size), '-o', out, join(here, svg)])
  return out
}
const sized = (svg, size) => png(svg, size, join(work, `${svg}-${size}.png`))

png('icon.svg', 512, join(here, 'icon.png'))
execFileSync('convert', [16, 24, 32, 48, 64, 128, 256].map((s) => sized('icon.svg', s)).concat(join(here, 'icon.ico')))

// ICNS is a header and PNG entries by type code; writing it directly needs no macOS tools.
const icnsTypes = { ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512 }
const entries = Object.entries(icnsTypes).map(([type, size]) => {
  const data = readFileSync(sized('icon.svg', size))
  const head = Buffer.alloc(8)
  head.write(type, 0, 'ascii')
  head.writeUInt32BE(data.length + 8, 4)
  return Buffer.concat([head, data])
})
const body = Buffer.concat(entries)
const header = Buffer.alloc(8)
header.write('icns', 0, 'ascii')
header.writeUInt32BE(body.length + 8, 4)
writeFileSync(join(here, 'icon.icns'), Buffer.concat([header, body]))

rmSync(work, { recursive: true, force: true })
