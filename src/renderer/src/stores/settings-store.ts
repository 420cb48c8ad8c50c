import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Settings, SettingsView } from '../../../shared/api-types'
import { farmApi } from '../api/ui-api'

/** The farm's settings, and the theme the window shows (which follows the system when asked). */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<SettingsView | null>(null)
  const systemDark = ref(false)

  const dark = computed(() => {
    const theme = settings.value?.theme ?? 'system'
    return theme === 'dark' || (theme === 'system' && systemDark.value)
  })

  async function load(): Promise<void> {
    settings.value = await farmApi().call('settings.get', {})
  }
  async function save(change: Partial<Settings>): Promise<void> {
    settings.value = await farmApi().call('settings.set', change)
  }
  function watchSystemTheme(media: MediaQueryList | null): void {
    if (!media) return
    systemDark.value = media.matches
    media.addEventListener('change', (e) => (systemDark.value = e.matches))
  }

  return { settings, systemDark, dark, load, save, watchSystemTheme }
})
