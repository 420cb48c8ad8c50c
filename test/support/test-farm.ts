import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { childProcessLauncher } from '../../src/core/child-process-worker'
import { Farm, type FarmOptions } from '../../src/core/farm'

/** The real worker bundle, built by test/global-setup.ts. */
export const workerEntry = resolve('out/node/worker.js')
export const cliEntry = resolve('out/node/cli.js')

export function tempDir(prefix = 'task-farm-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** A farm on a fresh database in a temp folder, with small pools so tests stay light on two cores. */
export function openTestFarm(
  options: Partial<FarmOptions> = {},
  dir = tempDir(),
): { farm: Farm; dbPath: string; dir: typeof dir } {
  const dbPath = join(dir.path, 'history.sqlite')
  const small = { size: 2, stopGraceMs: 1000 }
  const farm = new Farm({
    dbPath,
    launcher: childProcessLauncher(workerEntry),
    cancelGraceMs: 1000,
    ...options,
    pools: { disk: small, network: small, cpu: small, ...options.pools },
  })
  return { farm, dbPath, dir }
}

/** Polls until `predicate` holds; fails with `what` after `timeoutMs` (a bound on hangs, not a timing assertion). */
export async function until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now()
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
