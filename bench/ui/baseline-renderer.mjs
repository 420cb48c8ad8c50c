// The renderer as it was at a git revision, built from its sources beside this checkout's
// node_modules: the UI benchmarks measure it in the same run as this tree's, so a loaded machine
// weighs on both alike.
import { execFileSync } from 'node:child_process'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { build } from 'vite'

export async function buildRendererAt(root, rev, outDir) {
  const sources = join(root, 'bench/.work/baseline-src')
  await rm(sources, { recursive: true, force: true })
  await mkdir(sources, { recursive: true })
  const archive = execFileSync('git', ['-C', root, 'archive', rev, 'src/renderer', 'src/shared'])
  execFileSync('tar', ['-x', '-C', sources], { input: archive })
  const vue = (await import('@vitejs/plugin-vue')).default
  await build({
    root: join(sources, 'src/renderer'),
    base: './',
    plugins: [vue()],
    logLevel: 'warn',
    build: { outDir },
  })
  await rm(sources, { recursive: true, force: true })
  return outDir
}

/** `--baseline REV` taken out of the arguments, or null. */
export function takeBaselineArg(args) {
  const at = args.indexOf('--baseline')
  return at === -1 ? null : args.splice(at, 2)[1]
}
