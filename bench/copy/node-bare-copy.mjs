// The limit of our stack: one Node process, a walk, and a few dozen fs.copyFile in flight, times kept.
// Usage: node node-bare-copy.mjs SRC DST
import { copyFile, lstat, mkdir, readdir, utimes } from 'node:fs/promises'
import { join } from 'node:path'

const [src, dst] = process.argv.slice(2)
const IN_FLIGHT = 32
const queue = []
const folders = []
async function walk(from, to) {
  await mkdir(to, { recursive: true })
  folders.push([from, to])
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isDirectory()) await walk(join(from, entry.name), join(to, entry.name))
    else queue.push([join(from, entry.name), join(to, entry.name)])
  }
}
await walk(src, dst)
let next = 0
async function lane() {
  while (next < queue.length) {
    const [from, to] = queue[next++]
    const stat = await lstat(from)
    await copyFile(from, to)
    await utimes(to, stat.atime, stat.mtime)
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, lane))
for (const [from, to] of folders.reverse()) {
  const stat = await lstat(from)
  await utimes(to, stat.atime, stat.mtime)
}
