import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiHandlers } from '../../src/core/api-handlers'
import type { Farm } from '../../src/core/farm'
import { createIpcDispatch, type BridgeDispatch, type DesktopHandlers } from '../../src/main/ipc-dispatch'
import { openTestFarm, tempDir, until } from '../support/test-farm'

const dir = tempDir('tf-ipc-')
let farm: Farm
let jobId: number
let dispatch: BridgeDispatch
let nextPick: string[] = []
const desktop: DesktopHandlers = {
  'desktop.pickPaths': async () => ({ paths: nextPick }),
  'desktop.openExternal': async () => ({ ok: true }),
  'desktop.showItem': async () => ({ ok: true }),
  'desktop.shellInfo': async () => ({ tray: true, updates: { state: 'off', message: 'Off.' } }),
  'desktop.checkForUpdates': async () => ({ state: 'off', message: 'Off.' }),
}

beforeAll(async () => {
  farm = openTestFarm({}, dir).farm
  jobId = await farm.create({ kind: 'probe', count: 3 }, {})
  await until(() => farm.summary(jobId).state === 'completed', 'the probe job')
  dispatch = createIpcDispatch({ api: createApiHandlers(farm), desktop })
})
afterAll(async () => {
  await farm.shutdown('now')
  dir.remove()
})

describe('the IPC bridge, without Electron', () => {
  it('refuses every call from a frame that is not the app page', async () => {
    expect(await dispatch('jobs.list', {}, false)).toMatchObject({
      ok: false,
      error: { user: true, code: 'untrusted-frame' },
    })
  })

  it('lets the held-back events go before every answer, refusals included', async () => {
    const order: string[] = []
    const paced = createIpcDispatch({
      api: createApiHandlers(farm),
      desktop,
      beforeAnswer: () => order.push('flush'),
    })
    await paced('jobs.list', {}, true).then(() => order.push('answer'))
    await paced('jobs.get', { jobId: 999 }, true).then(() => order.push('answer'))
    expect(order).toEqual(['flush', 'answer', 'flush', 'answer'])
  })

  it('answers unknown channels and prototype keys with a user error', async () => {
    for (const channel of ['fs.delete', '__proto__', 'constructor', 'toString']) {
      expect(await dispatch(channel, {}, true), channel).toMatchObject({ ok: false, error: { user: true } })
    }
  })

  it('exports only to the path the save dialog just returned, once', async () => {
    const chosen = join(dir.path, 'chosen.csv')
    writeFileSync(chosen, 'the dialog asked before replacing this\n')
    const typed = join(dir.path, '.bashrc.csv')
    expect(await dispatch('jobs.export', { jobId, format: 'csv', path: typed }, true)).toMatchObject({
      ok: false,
      error: { code: 'local-only' },
    })
    nextPick = [chosen]
    expect(await dispatch('desktop.pickPaths', { mode: 'save' }, true)).toMatchObject({ ok: true })
    expect(await dispatch('jobs.export', { jobId, format: 'csv', path: chosen }, true)).toMatchObject({
      ok: true,
      value: { rows: 3 },
    })
    expect(readFileSync(chosen, 'utf8')).toMatch(/^key/)
    expect(await dispatch('jobs.export', { jobId, format: 'csv', path: chosen }, true)).toMatchObject({ ok: false })
  })

  it('exports found units only to the path the save dialog just returned', async () => {
    const chosen = join(dir.path, 'units.json')
    const request = { filter: { jobIds: [jobId] }, format: 'json', path: chosen }
    expect(await dispatch('units.export', request, true)).toMatchObject({ ok: false, error: { code: 'local-only' } })
    nextPick = [chosen]
    await dispatch('desktop.pickPaths', { mode: 'save' }, true)
    expect(await dispatch('units.export', request, true)).toMatchObject({ ok: true, value: { rows: 3 } })
    expect(JSON.parse(readFileSync(chosen, 'utf8'))).toHaveLength(3)
  })

  it('does not count paths from an open dialog as chosen for saving', async () => {
    const picked = join(dir.path, 'opened.csv')
    nextPick = [picked]
    await dispatch('desktop.pickPaths', { mode: 'files' }, true)
    expect(await dispatch('jobs.export', { jobId, format: 'csv', path: picked }, true)).toMatchObject({ ok: false })
  })
})
