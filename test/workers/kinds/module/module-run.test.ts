import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ModuleSpec } from '../../../../src/shared/kinds/module'
import type { WorkItem } from '../../../../src/shared/worker-protocol'
import type { RunContext } from '../../../../src/workers/kind-handler'
import { moduleHandler } from '../../../../src/workers/kinds/module'
import { callModule } from '../../../../src/workers/kinds/module/call-module'
import { tempDir } from '../../../support/test-farm'

const dirs: { remove(): void }[] = []
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()))

/** Runs the handler over inputs as job `jobId`; resolves to the results by unit id. */
async function runAs(jobId: number, spec: ModuleSpec, inputs: string[]): Promise<unknown[]> {
  const results: unknown[] = []
  const items: WorkItem[] = inputs.map((key, id) => ({ id, key, payload: { seq: id + 1 }, size: 0, attempt: 1 }))
  const ctx: RunContext = {
    jobId,
    signal: new AbortController().signal,
    log: () => undefined,
    done: (id, result) => (results[id] = result),
    failed: (id, error) => (results[id] = `failed: ${error}`),
    progress: () => undefined,
  }
  await moduleHandler.run(spec, items, ctx)
  return results
}

describe('a module job in a worker', () => {
  it('runs plain calls in order, and a new job sees an edited module at once', async () => {
    const dir = tempDir('task-farm-module-')
    dirs.push(dir)
    const module = join(dir.path, 'f.mjs')
    writeFileSync(module, 'export default (n) => n * n\n')
    const spec = { kind: 'module', module, input: { type: 'list', values: [] }, retries: 0 } as ModuleSpec
    expect(await runAs(1, spec, ['1', '2', '3'])).toEqual([1, 4, 9])
    writeFileSync(module, 'export default (n) => n + 1000\n')
    // Another job: its first task looks the file up again, whatever the last task of the job before saw.
    expect(await runAs(2, spec, ['1', '2'])).toEqual([1001, 1002])
  })
})

describe('a call and a cancel that come together', () => {
  it('keeps the result of a call that settled just before the cancel: it is not made again on resume', async () => {
    let settle: (value: unknown) => void = () => {}
    const promised = new Promise((resolve) => (settle = resolve))
    const controller = new AbortController()
    const outcome = callModule(() => promised, 1, {
      signal: controller.signal,
      log: () => undefined,
      progress: () => undefined,
    })
    settle(42)
    controller.abort()
    expect(await outcome).toEqual({ ok: true, result: 42 })
    // A cancel that comes first leaves the input pending (null), whatever the call does after.
    const second = new AbortController()
    const waiting = callModule(() => new Promise(() => {}), 1, {
      signal: second.signal,
      log: () => undefined,
      progress: () => undefined,
    })
    second.abort()
    expect(await waiting).toBeNull()
  })
})
