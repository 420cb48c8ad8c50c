import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const script = join(import.meta.dirname, '../../scripts/check-layers.mjs')
const roots: string[] = []

/** A throw-away project tree: path → file text. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layers-'))
  roots.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

function run(root: string): { code: number; lines: string[] } {
  try {
    execFileSync(process.execPath, [script, root], { stdio: 'pipe' })
    return { code: 0, lines: [] }
  } catch (e) {
    const error = e as { status: number; stderr: Buffer }
    return { code: error.status, lines: error.stderr.toString().trim().split('\n') }
  }
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

describe('check-layers', () => {
  it('passes a tree that follows the layers', () => {
    const root = tree({
      'src/shared/api.ts': "import { z } from 'zod'\nexport const a = z.string()",
      'src/core/farm.ts': "import { a } from '../shared/api'\nimport { readFileSync } from 'node:fs'",
      'src/main/index.ts': "import { app } from 'electron'\nimport { Farm } from '../core/farm'",
      'src/preload/index.ts': "import { contextBridge } from 'electron'\nimport type { A } from '../shared/api'",
      'src/workers/worker-entry.ts': "import { a } from '../shared/api'",
      'src/renderer/src/App.vue':
        '<template><div/></template>\n<script setup lang="ts">\nimport { a } from \'../../shared/api\'\n</script>',
      'test/core/farm.test.ts': "import { Farm } from '../../src/core/farm'",
      'src/main/electron-vite-note.ts':
        "// import { app } from 'electron' is only a comment here\nimport 'electron-vite'",
    })
    expect(run(root)).toEqual({ code: 0, lines: [] })
  })

  it('names every forbidden import, one line each', () => {
    const root = tree({
      'src/shared/util.ts': "import { join } from 'node:path'\nimport fs from 'fs'",
      'src/core/farm.ts': "import { createWindow } from '../main/window'",
      'src/workers/run.ts': "export { farm } from '../core/farm'",
      'src/renderer/src/store.ts': "const m = await import('../../core/farm')",
      'src/cli/index.ts': "import type { BrowserWindow } from 'electron'",
      'test/main/tray.test.ts': "import { Tray } from 'electron/main'",
      'src/renderer/src/App.vue': '<script setup lang="ts">\nimport { ipcRenderer } from \'electron\'\n</script>',
    })
    const result = run(root)
    expect(result.code).toBe(1)
    expect(result.lines.sort()).toEqual(
      [
        'src/shared/util.ts imports node:path: layer shared must not import node',
        'src/shared/util.ts imports fs: layer shared must not import node',
        'src/core/farm.ts imports ../main/window: layer core must not import main',
        'src/workers/run.ts imports ../core/farm: layer workers must not import core',
        'src/renderer/src/store.ts imports ../../core/farm: layer renderer must not import core',
        'src/cli/index.ts imports electron: layer cli must not import electron',
        'test/main/tray.test.ts imports electron/main: layer outside src must not import electron',
        'src/renderer/src/App.vue imports electron: layer renderer must not import electron',
      ].sort(),
    )
  })

  it('keeps the queue library behind src/remote, and core away from it', () => {
    const root = tree({
      'src/remote/link.ts': "import { Queue } from 'bullmq'\nimport type { RemoteLink } from '../core/remote-link'",
      'src/cli/worker.ts': "import { RemoteHost } from '../remote/host'",
      'src/core/farm.ts': "import { Queue } from 'bullmq'\nimport { x } from '../remote/link'",
      'src/host/serve.ts': "import Redis from 'ioredis'",
    })
    expect(run(root).lines.sort()).toEqual(
      [
        'src/core/farm.ts imports bullmq: only layer remote may import bullmq',
        'src/core/farm.ts imports ../remote/link: layer core must not import remote',
        'src/host/serve.ts imports ioredis: only layer remote may import ioredis',
      ].sort(),
    )
  })

  it('ignores build output and installed packages', () => {
    const root = tree({
      'src/main/index.ts': "import { app } from 'electron'",
      'node_modules/x/index.js': "require('electron')",
      'src/out/bundle.js': "require('electron')",
    })
    expect(run(root).code).toBe(0)
  })
})
