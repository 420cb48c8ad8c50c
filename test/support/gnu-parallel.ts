import { execFileSync } from 'node:child_process'
import { scratchHome } from './scratch-home'

/** GNU parallel's output for `args` (and `input` on its standard input); null where it is not installed. */
export function gnuParallel(args: string[], input?: string): string | null {
  const home = scratchHome()
  try {
    return execFileSync('parallel', ['--will-cite', ...args], {
      encoding: 'utf8',
      ...(input !== undefined ? { input } : {}),
      env: { ...process.env, ...home.env },
    })
  } catch {
    return null
  } finally {
    home.remove()
  }
}
