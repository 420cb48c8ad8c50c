import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
const starters = new Set(['spawn', 'fork', 'execFile', 'execFileSync', 'spawnSync', 'exec', 'execSync'])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** Calls of child_process's starters whose options do not say `windowsHide: true`, as `file:line`. */
function unhidden(path: string): string[] {
  const text = readFileSync(path, 'utf8')
  if (!/from 'node:child_process'/.test(text)) return []
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
  const imported = new Set<string>()
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && (node.moduleSpecifier as ts.StringLiteral).text === 'node:child_process') {
      const names = node.importClause?.namedBindings
      if (names && ts.isNamedImports(names))
        for (const el of names.elements) if (starters.has((el.propertyName ?? el.name).text)) imported.add(el.name.text)
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && imported.has(node.expression.text)) {
      const hides = node.arguments.some(
        (arg) =>
          ts.isObjectLiteralExpression(arg) &&
          arg.properties.some(
            (p) =>
              ts.isPropertyAssignment(p) &&
              p.name.getText() === 'windowsHide' &&
              p.initializer.kind === ts.SyntaxKind.TrueKeyword,
          ),
      )
      if (!hides) found.push(`${relative(root, path)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`)
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

describe('every process the farm starts', () => {
  // A process started without it gets a console window of its own on Windows (a detached farm's
  // workers each had one, and closing it killed the worker).
  it('is started with windowsHide', () => {
    expect(sourceFiles(join(root, 'src')).flatMap(unhidden)).toEqual([])
  })
})
