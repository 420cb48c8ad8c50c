import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createJobNotifier } from '../../../src/main/notifications'
import { createFarmTray } from '../../../src/main/tray'
import type { JobSummary } from '../../../src/shared/api-types'
import { job } from '../decisions/job-summary'
import { Menu, nativeTheme, NotificationMock, resetElectronMock, TrayMock } from './electron-mock'

vi.mock('electron', () => import('./electron-mock'))

const idle = { running: 0, queued: 0, waiting: 0, allPaused: false, anyPaused: false }

describe('the tray', () => {
  beforeEach(() => resetElectronMock())

  it('shows the farm and turns menu clicks into actions', () => {
    const onAction = vi.fn()
    const tray = createFarmTray('/app/resources', onAction)
    const native = TrayMock.created[0]!
    tray.update({ ...idle, running: 2 })
    expect(native.tooltip).toBe('Task Farm — 2 running')
    tray.update({ ...idle, running: 1, waiting: 2 })
    expect(native.tooltip).toBe('Task Farm — 1 running, 2 waiting for other jobs')
    tray.update({ ...idle, running: 2 })
    native.menu!.click('Quit (2 running)…')
    native.menu!.click('Pause all pools')
    expect(onAction.mock.calls).toEqual([['quit'], ['pause-all']])
  })

  it('replaces the menu only when it changes (Linux ignores edits to a menu already set)', () => {
    const tray = createFarmTray('/app/resources', vi.fn())
    tray.update(idle)
    tray.update(idle)
    tray.update({ ...idle, anyPaused: true })
    expect(Menu.buildFromTemplate).toHaveBeenCalledTimes(2)
    expect(tray.present()).toBe(true)
    tray.destroy()
    expect(tray.present()).toBe(false)
  })

  it.runIf(process.platform === 'linux')(
    'draws a light icon on a dark panel, and follows the theme when it changes',
    () => {
      vi.stubEnv('XDG_CURRENT_DESKTOP', 'KDE')
      nativeTheme.shouldUseDarkColors = true
      const tray = createFarmTray('/app/resources', vi.fn())
      const native = TrayMock.created[0]!
      expect(native.image.path).toBe('/app/resources/tray-on-dark.png')
      nativeTheme.shouldUseDarkColors = false
      nativeTheme.emit('updated')
      expect(native.image.path).toBe('/app/resources/tray-on-light.png')
      // GNOME's top bar is dark under its light theme too.
      vi.stubEnv('XDG_CURRENT_DESKTOP', 'ubuntu:GNOME')
      nativeTheme.emit('updated')
      expect(native.image.path).toBe('/app/resources/tray-on-dark.png')
      tray.destroy()
      nativeTheme.emit('updated')
      expect(native.setImage).toHaveBeenCalledTimes(2)
      vi.unstubAllEnvs()
    },
  )
})

describe('job notifications', () => {
  beforeEach(() => resetElectronMock())

  const notifier = () => {
    const open = vi.fn()
    const fallback = vi.fn()
    const batcher = createJobNotifier({ enabled: () => true, icon: '/app/icon.png', open, fallback })
    return { open, fallback, end: (job: JobSummary) => (batcher.jobEnded(job), batcher.flush()) }
  }

  it('shows one per ended job, and a click opens that job', () => {
    const { open, fallback, end } = notifier()
    end(job(9, 'completed'))
    const shown = NotificationMock.created[0]!
    expect(shown.show).toHaveBeenCalled()
    expect(shown.options.title).toBe('Job completed')
    shown.emit('click')
    expect(open).toHaveBeenCalledWith(9)
    expect(fallback).not.toHaveBeenCalled()
  })

  it('falls back to the window when the OS fails to show it (an unsigned macOS app)', () => {
    const { fallback, end } = notifier()
    end(job(3, 'failed', { error: 'disk full' }))
    NotificationMock.created[0]!.emit('failed', {}, 'Notifications are not allowed for this application')
    expect(fallback).toHaveBeenCalledWith({ title: 'Job failed', body: expect.stringContaining('disk full'), jobId: 3 })
  })

  it('falls back to the window where the system has no notifications at all', () => {
    NotificationMock.supported = false
    const { fallback, end } = notifier()
    end(job(4, 'completed'))
    expect(NotificationMock.created).toEqual([])
    expect(fallback).toHaveBeenCalledWith(expect.objectContaining({ jobId: 4 }))
  })
})
