// Generates a benchmark tree.  Usage: node make-tree.mjs DIR a|b|c [SCALE]
//   a: 40,000 × SCALE files of 1–64 KiB in nested folders, plus eight 64 MiB files
//   b: 50,000 × SCALE files of 1–8 KiB
//   c: 300,000 × SCALE files of 1 KiB (the memory benchmark's tree)
// Content is pseudo-random (not compressible, not dedupable) and the same on every run.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [dir, shape = 'b', scaleArg = '1'] = process.argv.slice(2)
if (!dir || !['a', 'b', 'c'].includes(shape)) {
  console.error('usage: node make-tree.mjs DIR a|b|c [SCALE]')
  process.exit(2)
}
const scale = Number(scaleArg)
let seed = 0x9e3779b9
const random = () => {
  // xorshift32: fast and repeatable
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) / 2 ** 32
}
const pool = Buffer.alloc(72 * 1024 * 1024)
for (let i = 0; i < pool.length; i += 4) pool.writeUInt32LE((random() * 2 ** 32) >>> 0, i)
const slice = (size) => {
  const start = Math.floor(random() * (pool.length - size))
  return pool.subarray(start, start + size)
}

const files = Math.round({ a: 40_000, b: 50_000, c: 300_000 }[shape] * scale)
const [minKiB, maxKiB] = { a: [1, 64], b: [1, 8], c: [1, 1] }[shape]
const perFolder = 100
const LARGE = 8
let bytes = 0
for (let i = 0; i < files; i++) {
  const folder = Math.floor(i / perFolder)
  // Three levels: 10 top folders, each with sub-folders of 100 files.
  const path = join(dir, `top-${folder % 10}`, `group ${Math.floor(folder / 10) % 20}`, `leaf-${folder}`)
  if (i % perFolder === 0) mkdirSync(path, { recursive: true })
  const size = Math.floor((minKiB + random() * (maxKiB - minKiB)) * 1024)
  writeFileSync(join(path, `file-${i}.dat`), slice(size))
  bytes += size
}
if (shape === 'a') {
  mkdirSync(join(dir, 'large'), { recursive: true })
  for (let i = 0; i < LARGE; i++) {
    writeFileSync(join(dir, 'large', `video-${i}.bin`), slice(64 * 1024 * 1024))
    bytes += 64 * 1024 * 1024
  }
}
mkdirSync(join(dir, 'empty', 'folders', 'too'), { recursive: true })
console.log(`${files + (shape === 'a' ? LARGE : 0)} files, ${(bytes / 2 ** 20).toFixed(0)} MiB`)
