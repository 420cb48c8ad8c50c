// Node's own modules, taken in the built files without their ES-module face.
//
// An `import { readFileSync } from "node:fs"` has Node build an ES-module face of `fs`, which reads
// every export once, lazy getters included: `fs` then loads its streams, watchers and more (~30
// internal modules, ~3.6 ms), `util` its argument parser, diff and colours (~2.9 ms), and `http` a
// whole second undici. Each process of a run (the farmer and every worker) paid that before its
// first unit. `process.getBuiltinModule` hands over the module itself (Node ≥ 22.3; we need 22.12).

/** `import { a, b as c } from "node:x";` or `import x from "node:x";`, as esbuild prints them. */
const builtinImport = /^import (?:\{([^}]*)\}|([A-Za-z_$][\w$]*)) from "(node:[a-z_/]+)";$/

/**
 * Rewrites the builtin imports of a built module into constants taken from `process.getBuiltinModule`.
 * esbuild puts each bundled source's imports right above its code, and every source's code after the
 * code it depends on, so a constant there is set before any code that reads it runs. Namespace imports
 * (`import * as`) and imports of `default` are left as they are.
 */
export function takeBuiltinsWithoutFacade(source) {
  const lines = source.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('import ')) continue
    const match = builtinImport.exec(lines[i])
    if (!match) continue
    const [, names, name, module] = match
    if (names !== undefined && /\bdefault\b/.test(names)) continue // the module itself is its default
    const target = names !== undefined ? `{${names.replace(/\s+as\s+/g, ': ')}}` : name
    // `globalThis.process`: a bundled package may declare a `process` of its own in the module's scope.
    lines[i] = `const ${target} = globalThis.process.getBuiltinModule("${module}");`
  }
  return lines.join('\n')
}
