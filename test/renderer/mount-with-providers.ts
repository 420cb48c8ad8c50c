import { mount } from '@vue/test-utils'
import { NDialogProvider, NMessageProvider, NNotificationProvider } from 'naive-ui'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h, type Component } from 'vue'

/** Mounts a component inside the providers the app gives it (messages, dialogs, notifications). */
export function mountWithProviders(component: Component, props: Record<string, unknown> = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const Harness = defineComponent({
    setup: () => () =>
      h(NMessageProvider, () => h(NNotificationProvider, () => h(NDialogProvider, () => h(component, props)))),
  })
  return mount(Harness, { attachTo: document.body, global: { plugins: [pinia] } })
}
