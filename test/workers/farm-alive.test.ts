import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FromWorker, ToWorker } from '../../src/shared/worker-protocol'
import type { KindHandler } from '../../src/workers/kind-handler'
import { startWorkerRuntime, type HandlerLoaders } from '../../src/workers/worker-runtime'
import { tempDir, until } from '../support/test-farm'
import { oneUnitTask } from '../support/worker-runtime-harness'

const gone = vi.hoisted(() => ({ now: false }))
vi.mock('../../src/workers/farm-alive', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/workers/farm-alive')>()
  return { farmIsGone: () => gone.now || real.farmIsGone() }
})

const cleanups: (() => void)[] = []
afterEach(() => {
  gone.now = false
  for (const cleanup of cleanups.splice(0)) cleanup()
})

describe('a worker whose farm has died', () => {
  // POSIX only: there a dead parent's children get another parent; Windows has only `disconnect`.
  it.skipIf(process.platform === 'win32')(
    'knows it from its parent process, which changes when the farm dies',
    async () => {
      const dir = tempDir('tf-farm-alive-')
      cleanups.push(() => dir.remove())
      const out = join(dir.path, 'out')
      const script = join(dir.path, 'child.ts')
      // Says whether its farm is gone while its parent (a shell, standing in for the farm) lives, then
      // again once that parent has exited.
      writeFileSync(
        script,
        `import { appendFileSync } from 'node:fs'
import { farmIsGone } from ${JSON.stringify(resolve('src/workers/farm-alive.ts'))}
appendFileSync(${JSON.stringify(out)}, 'alive:' + farmIsGone() + '\\n')
const deadline = Date.now() + 10_000
const look = () => (farmIsGone() || Date.now() > deadline ? appendFileSync(${JSON.stringify(out)}, 'dead:' + farmIsGone() + '\\n') : setTimeout(look, 20))
look()
`,
      )
      const shell = spawn(
        'sh',
        ['-c', `"$0" "$1" & while [ ! -s "$2" ]; do sleep 0.02; done`, process.execPath, script, out],
        {
          stdio: 'ignore',
        },
      )
      await new Promise((done) => shell.once('exit', done))
      await until(() => existsSync(out) && readFileSync(out, 'utf8').includes('dead:'), 'the orphan to look again')
      expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual(['alive:false', 'dead:true'])
    },
  )

  it('starts nothing of a task that came in just before the farm died, and exits', async () => {
    gone.now = true
    let ran = false
    const handler: KindHandler = { plan: async () => undefined, run: async () => void (ran = true) }
    const sent: FromWorker[] = []
    const exited = new Promise<number>((exit) => {
      let listener: ((message: ToWorker) => void) | null = null
      startWorkerRuntime(
        { send: (m) => void sent.push(m), onMessage: (l) => (listener = l), exit },
        new Proxy({}, { get: () => async () => handler }) as HandlerLoaders,
      )
      listener!(oneUnitTask)
    })
    expect(await exited).toBe(0)
    expect(ran).toBe(false)
    expect(sent.filter((m) => m.type !== 'ready')).toEqual([])
  })
})
