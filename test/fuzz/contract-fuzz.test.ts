import { newOwnerToken } from '../../src/core/store/owner-proof'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve, isAbsolute } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiHandlers, type ApiHandlers } from '../../src/core/api-handlers'
import type { Farm } from '../../src/core/farm'
import { startControlServer, type ControlServer } from '../../src/host/control-server'
import { startWebHost, type WebHost } from '../../src/host/index'
import { apiChannels } from '../../src/shared/api'
import { UserError } from '../../src/shared/user-error'
import { openTestFarm, tempDir } from '../support/test-farm'
import { fuzzTransport, type FuzzSettings } from './fuzz-harness'
import { controlTransport } from './control-transport'
import { createSandbox, type Sandbox } from './fuzz-sandbox'
import { ipcTransport, webSocketTransport, type FuzzTransport } from './transports'

// `npm test`: a fixed seed and 2,000 cases per transport. `npm run fuzz -- --seconds S --seed N` sets these.
const settings: FuzzSettings = {
  seed: Number(process.env.FUZZ_SEED ?? 20261122),
  runs: Number(process.env.FUZZ_RUNS ?? 2000),
  seconds: process.env.FUZZ_SECONDS ? Number(process.env.FUZZ_SECONDS) : undefined,
}
const transportNames = ['ipc', 'websocket', 'control'] as const
const perTransportSeconds = settings.seconds ? settings.seconds / transportNames.length : undefined
const timeoutMs = (perTransportSeconds ?? 150) * 1000 + 60_000

const dir = tempDir('tf-fuzz-')
let farm: Farm
let host: WebHost
let sandbox: Sandbox
let control: ControlServer
/** Exports the local door was asked to write outside the sandbox (refused here, never written). */
const outside: string[] = []
/** Exports the local door wrote (inside the sandbox). */
let localExports = 0

const controlToken = newOwnerToken()
beforeAll(async () => {
  farm = openTestFarm({ autoStart: true }, dir).farm
  sandbox = createSandbox(join(dir.path, 'sandbox'), () => farm.list({ limit: 1, offset: 0 }).jobs[0]?.id ?? 0)
  const rendererDir = join(dir.path, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Task Farm</title>')
  host = await startWebHost({ api: createApiHandlers(farm), events: farm.events, rendererDir })
  control = await startControlServer({
    endpoint: join(dir.path, 'control', 'owner.sock'),
    api: sandboxedExports(createApiHandlers(farm), sandbox.root),
    events: farm.events,
    token: controlToken,
  })
})
afterAll(async () => {
  await host.close()
  await control?.close()
  await farm.shutdown('now')
  dir.remove()
})

// Every door of the farm: the window's IPC, the web host's WebSocket, the local control endpoint.
const transports: Record<(typeof transportNames)[number], () => FuzzTransport> = {
  ipc: () => ipcTransport(createApiHandlers(farm), sandbox.pickedSavePath),
  websocket: () => webSocketTransport(host, `http://127.0.0.1:${host.port}`),
  control: () => controlTransport(control.endpoint, controlToken),
}

describe(`the contract under fuzz (seed ${settings.seed})`, () => {
  for (const name of transportNames) {
    it(
      `${name}: every case ends in a well-formed reply or a closed connection`,
      async () => {
        const transport = transports[name]()
        try {
          const report = await fuzzTransport(transport, farm, sandbox, { ...settings, seconds: perTransportSeconds })
          console.log(
            `fuzz ${name}: ${report.cases} cases (seed ${settings.seed})\n${Object.entries(report.counts)
              .sort()
              .map(([k, n]) => `  ${k}: ${n}`)
              .join('\n')}`,
          )
          if ('doors' in transport) console.log(`  doors: ${JSON.stringify(transport.doors)}`)
          if (!settings.seconds) expect(report.cases).toBe(settings.runs)
        } finally {
          await transport.close()
        }
      },
      timeoutMs,
    )
  }

  it('leaves a farm that still answers and a history that passes integrity_check', async () => {
    const api = createApiHandlers(farm)
    await expect(api.handle('jobs.list', {})).resolves.toMatchObject({ total: expect.any(Number) })
    expect(farm.store.db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(outside).toEqual([])
    console.log(`control: ${localExports} exports written through the local door, all in the sandbox`)
  })
})

/**
 * The control endpoint's handlers, except that a valid export through the local door to a path
 * outside the sandbox is recorded and refused: whatever the fuzz sends, nothing is written elsewhere.
 */
function sandboxedExports(api: ApiHandlers, root: string): ApiHandlers {
  return {
    handle(channel, raw, door) {
      const exporting = channel === 'jobs.export' || channel === 'units.export'
      const parsed = exporting && door === 'local' && apiChannels[channel].request.safeParse(raw)
      if (parsed && parsed.success) {
        const { path } = parsed.data as { path: string }
        const inside = relative(root, resolve(path))
        if (inside.startsWith('..') || isAbsolute(inside)) {
          outside.push(path)
          return Promise.reject(new UserError('The fuzz sandbox keeps exports in its folder.', 'fuzz-outside'))
        }
        return api.handle(channel, raw, door).then((value) => (localExports++, value))
      }
      return api.handle(channel, raw, door)
    },
  }
}
