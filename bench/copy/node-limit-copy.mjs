// "The Node limit": what Node itself can do on this machine with no engine at all. The tree is walked
// once, then two processes each copy their half with copyFileSync + utimesSync: no history, no
// temporary files, no messages per file.  Usage: node node-limit-copy.mjs SRC DST [PROCESSES]
import { fork } from 'node:child_process'
import { copyFileSync, lstatSync, mkdirSync, readdirSync, utimesSync } from 'node:fs'
import { join } from 'node:path'

if (process.send) {
  process.once('message', (files) => {
    for (const [from, to] of files) {
      const stat = lstatSync(from)
      copyFileSync(from, to)
      utimesSync(to, stat.atime, stat.mtime)
    }
    process.exit(0)
  })
} else {
  const [src, dst, processes = '2'] = process.argv.slice(2)
  const count = Number(processes)
  // Start the copiers first: they load while the walk runs, as a farm's workers do.
  const children = Array.from({ length: count }, () => fork(new URL(import.meta.url).pathname))
  const files = []
  const folders = []
  const walk = (from, to) => {
    mkdirSync(to, { recursive: true })
    folders.push([from, to])
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(from, entry.name), join(to, entry.name))
      else files.push([join(from, entry.name), join(to, entry.name)])
    }
  }
  walk(src, dst)
  const ended = children.map((child, i) => {
    child.send(files.filter((_, n) => n % count === i))
    return new Promise((done) => child.on('exit', done))
  })
  await Promise.all(ended)
  for (const [from, to] of folders.reverse()) {
    const stat = lstatSync(from)
    utimesSync(to, stat.atime, stat.mtime)
  }
}
