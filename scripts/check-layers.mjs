// Fails (exit 1) when a layer imports what DESIGN.md says it must not:
//   shared ← core ← {main, cli, host};  shared ← workers;  shared ← {preload, renderer}
//   nothing outside src/main and src/preload imports `electron`; shared imports no Node modules.
// Usage: node scripts/check-layers.mjs [root]   (root defaults to the repository)
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/** Which layers each layer may import (itself included). */
const allowed = {
  shared: ['shared'],
  core: ['shared', 'core'],
  workers: ['shared', 'workers'],
  // The shell owns the farm like `serve` does, so it listens for clients (and attaches to an owner) through host.
  main: ['shared', 'core', 'host', 'main'],
  // `task-farm serve` is how the web host is launched, so the CLI may start it (never the reverse).
  cli: ['shared', 'core', 'cli', 'host'],
  host: ['shared', 'core', 'host'],
  preload: ['shared', 'preload'],
  renderer: ['shared', 'renderer'],
}
const electronLayers = new Set(['main', 'preload'])
const scannedFolders = ['src', 'test', 'bench', 'scripts']
const skippedFolders = new Set(['node_modules', 'out', 'dist', '.git'])
const sourceFile = /\.(?:[cm]?[jt]s|tsx|vue)$/
const nodeBuiltins = new Set(builtinModules)

export function checkLayers(root) {
  const violations = []
  for (const folder of scannedFolders) {
    for (const file of walk(join(root, folder))) {
      const fromPath = relative(root, file).split(sep).join('/')
      const fromLayer = layerOf(fromPath)
      for (const specifier of importsOf(file)) {
        const problem = judge(fromLayer, specifier, resolveSpecifier(root, file, specifier))
        if (problem) violations.push(`${fromPath} imports ${specifier}: ${problem}`)
      }
    }
  }
  return violations
}

function judge(fromLayer, specifier, targetPath) {
  const from = fromLayer ?? 'outside src'
  if (specifier === 'electron' || specifier.startsWith('electron/')) {
    return electronLayers.has(fromLayer) ? null : `layer ${from} must not import electron`
  }
  if (fromLayer === 'shared' && isNodeBuiltin(specifier)) return `layer shared must not import node`
  if (!fromLayer || !targetPath) return null
  const toLayer = layerOf(targetPath)
  if (!toLayer || allowed[fromLayer].includes(toLayer)) return null
  return `layer ${fromLayer} must not import ${toLayer}`
}

const isNodeBuiltin = (specifier) =>
  specifier.startsWith('node:') || nodeBuiltins.has(specifier) || nodeBuiltins.has(specifier.split('/')[0])

/** `src/<layer>/…` → layer; anything else (tests, scripts, unknown folders) has none. */
function layerOf(path) {
  const match = /^src\/([^/]+)\//.exec(path)
  return match && match[1] in allowed ? match[1] : null
}

/** A relative import as a root-relative path; bare package names resolve to nothing. */
function resolveSpecifier(root, file, specifier) {
  if (!specifier.startsWith('.')) return null
  return (
    relative(root, resolve(dirname(file), specifier))
      .split(sep)
      .join('/') + '/'
  )
}

function importsOf(file) {
  let text = readFileSync(file, 'utf8')
  if (file.endsWith('.vue'))
    text = [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n')
  // TypeScript's own scanner: static, dynamic, type-only and re-exports, ignoring comments and strings.
  return ts.preProcessFile(text, true, true).importedFiles.map((entry) => entry.fileName)
}

function* walk(folder) {
  let entries
  try {
    entries = readdirSync(folder, { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (!skippedFolders.has(entry.name)) yield* walk(join(folder, entry.name))
    } else if (sourceFile.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield join(folder, entry.name)
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)))
  const violations = checkLayers(root)
  for (const line of violations) console.error(line)
  if (violations.length > 0) process.exit(1)
}
