// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import App from '../../src/renderer/src/App.vue'
import { useSettingsStore } from '../../src/renderer/src/stores/settings-store'

describe('the window turning dark', () => {
  afterEach(() => (document.body.innerHTML = ''))

  it('keeps the light look until the dark styles have loaded, never dark colours under light text', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    useSettingsStore().settings = { theme: 'dark' } as ReturnType<typeof useSettingsStore>['settings']
    const wrapper = mount(App, { attachTo: document.body, global: { plugins: [pinia], stubs: { AppShell: true } } })
    const shell = () => wrapper.find('app-shell-stub')
    // Naive's dark theme is a chunk of its own: until it is here, the page is wholly light.
    expect(shell().classes()).not.toContain('dark')
    for (let i = 0; i < 50 && !shell().classes().includes('dark'); i++) {
      await flushPromises()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(shell().classes()).toContain('dark')
  })
})
