import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { TaskFarmBridge } from '../../../src/shared/bridge'
import { contextBridge, ipcRenderer } from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

describe('the preload', () => {
  let bridge: TaskFarmBridge
  beforeAll(async () => {
    await import('../../../src/preload/index')
    const [name, exposed] = contextBridge.exposeInMainWorld.mock.calls[0] as [string, TaskFarmBridge]
    expect(name).toBe('taskFarm')
    bridge = exposed
  })

  it('exposes the contract and nothing else: no raw ipcRenderer', () => {
    expect(Object.keys(bridge).sort()).toEqual(['call', 'getPathForFile', 'on'])
  })

  it('calls only channels of the contracts, and rebuilds refused calls as errors with code and `user`', async () => {
    await expect(bridge.call('shell.exec' as never, {} as never)).rejects.toThrow('Unknown farm channel: shell.exec')
    expect(ipcRenderer.invoke).not.toHaveBeenCalled()
    ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { message: 'The app sent a malformed jobs.list request.', code: 'invalid-request', user: true },
    })
    await expect(bridge.call('jobs.list', {})).rejects.toMatchObject({ code: 'invalid-request', user: true })
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('task-farm:call:jobs.list', {})
  })

  it('hands the page the payload of an event, never the IPC event and its sender', () => {
    const heard: unknown[] = []
    const stop = bridge.on('desktop.notice', (payload) => heard.push(payload))
    ipcRenderer.emit('task-farm:event:desktop.notice', { sender: 'secret' }, { title: 't', body: 'b', jobId: null })
    stop()
    ipcRenderer.emit('task-farm:event:desktop.notice', { sender: 'secret' }, { title: 'late', body: '', jobId: null })
    expect(heard).toEqual([{ title: 't', body: 'b', jobId: null }])
    expect(() => bridge.on('anything' as never, () => undefined)).toThrow('Unknown farm event: anything')
  })
})
