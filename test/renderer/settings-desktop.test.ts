// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setFarmApi } from '../../src/renderer/src/api/ui-api'
import { useSettingsStore } from '../../src/renderer/src/stores/settings-store'
import SettingsView from '../../src/renderer/src/views/SettingsView.vue'
import { fakeFarmApi } from './fake-farm-api'
import { mountWithProviders } from './mount-with-providers'

const settings = {
  poolSizes: { disk: 2, network: 4, cpu: 2 },
  theme: 'system',
  notifications: true,
  closeToTray: false,
  redisUrl: '',
}

/** The window in the desktop app: the farm's channels plus the desktop's, as the preload gives them. */
function desktopApi(
  shellInfo: unknown,
  check = vi.fn(async () => ({ state: 'declined', message: 'Task Farm 0.2.0 is available; nothing was downloaded.' })),
) {
  const fake = fakeFarmApi({ 'settings.get': () => settings })
  const call = fake.api.call
  const api = Object.assign(fake.api, {
    getPathForFile: () => '',
    call: (channel: string, request: unknown) =>
      channel === 'desktop.shellInfo'
        ? Promise.resolve(shellInfo)
        : channel === 'desktop.checkForUpdates'
          ? check()
          : call(channel as never, request as never),
  })
  return { api, check }
}

describe('Settings in the desktop app', () => {
  afterEach(() => (document.body.innerHTML = ''))

  it('offers "Close to tray" only where a tray exists, and checks for updates on request', async () => {
    const { api, check } = desktopApi({ tray: false, updates: { state: 'latest', message: 'Not checked yet.' } })
    setFarmApi(api)
    const wrapper = mountWithProviders(SettingsView)
    await useSettingsStore().load()
    await flushPromises()
    expect(wrapper.text()).not.toContain('Close to tray')
    expect(wrapper.find('[data-testid=update-status]').text()).toBe('Not checked yet.')
    await wrapper.find('[data-testid=check-updates]').trigger('click')
    await flushPromises()
    expect(check).toHaveBeenCalledTimes(1)
    expect(wrapper.find('[data-testid=update-status]').text()).toBe(
      'Task Farm 0.2.0 is available; nothing was downloaded.',
    )
    wrapper.unmount()
  })

  it('keeps "Close to tray" where there is a tray, and says why updates are off', async () => {
    const { api } = desktopApi({
      tray: true,
      updates: { state: 'off', message: 'Updates are off in development builds.' },
    })
    setFarmApi(api)
    const wrapper = mountWithProviders(SettingsView)
    await useSettingsStore().load()
    await flushPromises()
    expect(wrapper.text()).toContain('Close to tray')
    expect(wrapper.find('[data-testid=check-updates]').attributes('disabled')).toBeDefined()
    expect(wrapper.text()).toContain('Updates are off in development builds.')
    wrapper.unmount()
  })
})
