import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { settleJobsBeforeQuit } from '../../../src/main/quit-flow'
import { BrowserWindow, dialog, resetElectronMock } from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

describe('quitting with jobs under way', () => {
  let dir: string
  let window: InstanceType<typeof BrowserWindow>
  const jobs = [
    { id: 4, state: 'running' },
    { id: 5, state: 'queued' },
  ]
  const api = {
    handle: vi.fn(async (channel: string) => (channel === 'jobs.list' ? { jobs, total: 2 } : { ok: true })),
  }
  const settle = () =>
    settleJobsBeforeQuit({ api: api as never, window: window as never, resumeFile: join(dir, 'resume.json') })

  beforeEach(() => {
    resetElectronMock()
    dir = mkdtempSync(join(tmpdir(), 'task-farm-quit-'))
    window = new BrowserWindow()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('asks as a sheet on the window the person sees', async () => {
    await settle()
    expect(dialog.showMessageBox).toHaveBeenCalledWith(
      window,
      expect.objectContaining({ message: '1 job is still running.' }),
    )
  })

  it('asks without a parent when the window is hidden (macOS) or minimized: a sheet there is never seen', async () => {
    window.hide()
    await settle()
    window.show()
    window.minimized = true
    await settle()
    expect(dialog.showMessageBox.mock.calls.map((args) => args.length)).toEqual([1, 1])
    expect(dialog.showMessageBox.mock.calls[0]?.[0]).toMatchObject({
      buttons: ['Pause and quit', 'Cancel jobs and quit', 'Keep running'],
    })
  })

  it('pause: remembers the running jobs for the next start and quits', async () => {
    dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false })
    await expect(settle()).resolves.toBe('pause')
    expect(JSON.parse(readFileSync(join(dir, 'resume.json'), 'utf8'))).toEqual({ jobIds: [4] })
    expect(api.handle).not.toHaveBeenCalledWith('jobs.cancel', expect.anything())
  })

  it('cancel: cancels running and queued jobs; keep running: stays', async () => {
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false })
    await expect(settle()).resolves.toBe('cancel')
    expect(api.handle).toHaveBeenCalledWith('jobs.cancel', { jobId: 4 })
    expect(api.handle).toHaveBeenCalledWith('jobs.cancel', { jobId: 5 })
    dialog.showMessageBox.mockResolvedValueOnce({ response: 2, checkboxChecked: false })
    await expect(settle()).resolves.toBeNull()
  })
})
