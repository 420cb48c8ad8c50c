import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiHandlers } from '../../src/core/api-handlers'
import type { Farm } from '../../src/core/farm'
import { startWebHost, type WebHost } from '../../src/host/index'
import { openTestFarm, tempDir } from '../support/test-farm'
import { fuzzTransport, type FuzzSettings } from './fuzz-harness'
import { createSandbox, type Sandbox } from './fuzz-sandbox'
import { ipcTransport, webSocketTransport, type FuzzTransport } from './transports'

// `npm test`: a fixed seed and 2,000 cases per transport. `npm run fuzz -- --seconds S --seed N` sets these.
const settings: FuzzSettings = {
  seed: Number(process.env.FUZZ_SEED ?? 20261122),
  runs: Number(process.env.FUZZ_RUNS ?? 2000),
  seconds: process.env.FUZZ_SECONDS ? Number(process.env.FUZZ_SECONDS) : undefined,
}
const transportNames = ['ipc', 'websocket'] as const
const perTransportSeconds = settings.seconds ? settings.seconds / transportNames.length : undefined
const timeoutMs = (perTransportSeconds ?? 150) * 1000 + 60_000

const dir = tempDir('tf-fuzz-')
let farm: Farm
let host: WebHost
let sandbox: Sandbox

beforeAll(async () => {
  farm = openTestFarm({ autoStart: true }, dir).farm
  sandbox = createSandbox(join(dir.path, 'sandbox'), () => farm.list({ limit: 1, offset: 0 }).jobs[0]?.id ?? 0)
  const rendererDir = join(dir.path, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Task Farm</title>')
  host = await startWebHost({ api: createApiHandlers(farm), events: farm.events, rendererDir })
})
afterAll(async () => {
  await host.close()
  await farm.shutdown('now')
  dir.remove()
})

// Every door of the farm. The local control endpoint joins with one adapter (see FuzzTransport).
const transports: Record<(typeof transportNames)[number], () => FuzzTransport> = {
  ipc: () => ipcTransport(createApiHandlers(farm), sandbox.pickedSavePath),
  websocket: () => webSocketTransport(host, `http://127.0.0.1:${host.port}`),
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
  })
})
